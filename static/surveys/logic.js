/*
 * Display logic in the browser: a convenience that mirrors surveys/logic.py.
 *
 * The server decides what counts (hidden questions are never required and their
 * answers are discarded); this only hides, as the resident answers, the questions
 * whose conditions use answers on the same page. Without JavaScript those questions
 * stay visible with their condition in words. Hidden inputs are disabled, so what the
 * browser sends is what the server keeps.
 */
(function () {
  "use strict";
  var source = document.getElementById("survey-logic");
  var form = document.getElementById("survey-form");
  if (!source || !form) return;
  var spec = JSON.parse(source.textContent);
  var NEGATION = { not_equals: "equals", not_one_of: "one_of" };

  // Plain decimal digits only, as logic.as_number: a code like "18_24" is no number.
  var NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

  function asNumber(text) {
    if (text === null || text === undefined) return null;
    var plain = String(text).trim().replace(",", ".");
    if (!NUMBER.test(plain)) return null;
    var n = Number(plain);
    return isFinite(n) ? n : null;
  }

  function factOf(item) {
    var name = spec.prefix + "-" + item.key;
    var fields = form.querySelectorAll('[name="' + name + '"]');
    var codes = [], text = "", number = null, isChoice = false;
    fields.forEach(function (field) {
      if (field.disabled) return;
      if (field.type === "radio" || field.type === "checkbox") {
        isChoice = true;
        if (field.checked) codes.push(field.value);
      } else if (field.tagName === "SELECT") {
        isChoice = true;
        if (field.value) codes.push(field.value);
      } else if (field.value.trim() !== "") {
        text = field.value.trim();
      }
    });
    var numbers = spec.numbers[item.key];
    if (isChoice && codes.length === 1 && numbers && codes[0] in numbers) number = numbers[codes[0]];
    if (!isChoice && field_is_number(fields)) { number = asNumber(text); text = ""; }
    return { codes: codes, number: number, text: text };
  }

  function field_is_number(fields) {
    return fields.length === 1 && fields[0].classList.contains("input-number");
  }

  function answered(fact) {
    return fact.codes.length > 0 || fact.number !== null || fact.text !== "";
  }

  function matches(fact, value) {
    if (fact.codes.length) return fact.codes.indexOf(value) !== -1;
    if (fact.number !== null) return asNumber(value) === fact.number;
    return fact.text !== "" && fact.text === value;
  }

  function holds(rule, facts) {
    var fact = facts[rule.key] || { codes: [], number: null, text: "" };
    var values = rule.values || [];
    switch (rule.op) {
      case "answered": return answered(fact);
      case "not_answered": return !answered(fact);
      case "equals": case "one_of":
        return values.some(function (v) { return matches(fact, v); });
      case "not_equals": case "not_one_of":
        return !holds({ key: rule.key, op: NEGATION[rule.op], values: values }, facts);
      case "selected": return fact.codes.indexOf(values[0]) !== -1;
      case "not_selected": return fact.codes.indexOf(values[0]) === -1;
    }
    // Dates compare as ISO text (YYYY-MM-DD), numbers as numbers.
    var isDate = fact.text !== "" && /^\d{4}-\d{2}-\d{2}$/.test(values[0] || "");
    var answer = isDate ? fact.text : fact.number;
    var limit = isDate ? values[0] : asNumber(values[0]);
    if (answer === null || limit === null) return false;
    if (rule.op === "lt") return answer < limit;
    if (rule.op === "le") return answer <= limit;
    if (rule.op === "gt") return answer > limit;
    if (rule.op === "ge") return answer >= limit;
    return false;
  }

  function evaluate(condition, facts) {
    if (!condition) return true;
    if (condition.all) return condition.all.every(function (c) { return evaluate(c, facts); });
    if (condition.any) return condition.any.some(function (c) { return evaluate(c, facts); });
    if (condition.not) return !evaluate(condition.not, facts);
    return holds(condition, facts);
  }

  function show(element, visible) {
    element.hidden = !visible;
    element.querySelectorAll("input, select, textarea").forEach(function (input) {
      input.disabled = !visible;
    });
  }

  function apply() {
    var facts = Object.assign({}, spec.facts);
    var sectionShown = true;
    spec.items.forEach(function (item) {
      var element = document.getElementById(item.id);
      if (!element) return;
      var visible;
      if (item.type === "section") {
        sectionShown = evaluate(item.condition, facts);
        visible = sectionShown;
      } else {
        visible = sectionShown && evaluate(item.condition, facts);
      }
      show(element, visible);
      if (item.key) {
        if (visible) facts[item.key] = factOf(item);
        else delete facts[item.key];
      }
    });
  }

  document.querySelectorAll(".condition-note").forEach(function (note) { note.hidden = true; });
  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  apply();
})();

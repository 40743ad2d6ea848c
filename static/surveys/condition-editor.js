/*
 * "Show only if" in the page editor: pick the question and its answers from drop-downs
 * of what the survey asks before this block, instead of typing keys and codes.
 *
 * An enhancement only: the typed fields stay in the form (hidden while a drop-down
 * stands in for them) and are what is posted, so without JavaScript organizers type
 * keys and codes and the server checks them exactly the same way
 * (surveys/condition_blocks.py, surveys/logic.py).
 */
(function () {
  "use strict";
  var QUESTION_KEY = /^(body-\d+)-value-key$/;
  var RULE_QUESTION = /^(body-\d+)-value-show_if-.*-value-question$/;
  var MANY = { one_of: true, not_one_of: true };
  var NO_ANSWER = { answered: true, not_answered: true };
  var COMPARISON = { lt: true, le: true, gt: true, ge: true };

  function field(id) {
    return document.getElementById(id);
  }

  function checked(id) {
    var box = field(id);
    return Boolean(box && box.checked);
  }

  // The questions of the body, in the order the editor shows them.
  function questions() {
    var found = [];
    document.querySelectorAll('input[name$="-value-key"]').forEach(function (input) {
      var match = QUESTION_KEY.exec(input.name);
      if (!match) return;
      var prefix = match[1];
      var deleted = field(prefix + "-deleted");
      if (deleted && deleted.value === "1") return;
      var label = field(prefix + "-value-label");
      var type = field(prefix + "-type");
      found.push({
        prefix: prefix,
        element: input,
        key: input.value.trim(),
        label: label ? label.value.trim() : "",
        type: type ? type.value : "",
      });
    });
    return found;
  }

  // (code, label) of a question's answers, or null when they are typed (numbers, text).
  function answers(question) {
    var prefix = question.prefix;
    if (question.type === "likert") {
      var points = Number((field(prefix + "-value-points") || {}).value || 5);
      var scale = [];
      for (var n = 1; n <= points; n++) scale.push([String(n), String(n)]);
      if (checked(prefix + "-value-dont_know")) scale.push(["98", "98"]);
      if (checked(prefix + "-value-prefer_not_to_say")) scale.push(["99", "99"]);
      return scale;
    }
    if (question.type === "rating") {
      var rating = [];
      for (var r = 0; r <= 10; r++) rating.push([String(r), String(r)]);
      return rating;
    }
    var codes = document.querySelectorAll(
      'input[name^="' + prefix + '-value-choices-"][name$="-value-code"]'
    );
    if (!codes.length) return null;
    var choices = [];
    codes.forEach(function (code) {
      var item = code.name.slice(0, -"-code".length);
      var deleted = field(item.replace(/-value$/, "-deleted"));
      if (deleted && deleted.value === "1") return;
      var label = field(item + "-label");
      if (code.value.trim()) {
        choices.push([code.value.trim(), label ? label.value.trim() : ""]);
      }
    });
    return choices;
  }

  function option(value, text, selected) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    element.selected = selected;
    return element;
  }

  function companion(input, multiple) {
    var select = input._conditionSelect;
    if (!select || select.multiple !== multiple) {
      if (select) select.remove();
      select = document.createElement("select");
      select.multiple = multiple;
      select.className = "condition-picker";
      select.setAttribute("aria-label", input.getAttribute("aria-label") || input.name);
      var labelled = document.querySelector('label[for="' + input.id + '"]');
      if (labelled) select.setAttribute("aria-label", labelled.textContent.trim());
      select.addEventListener("change", function () {
        var values = Array.prototype.filter
          .call(select.options, function (o) { return o.selected && o.value; })
          .map(function (o) { return o.value; });
        input.value = values.join(" ");
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
      input.insertAdjacentElement("afterend", select);
      input._conditionSelect = select;
    }
    return select;
  }

  function release(input) {
    if (input._conditionSelect) {
      input._conditionSelect.remove();
      input._conditionSelect = null;
    }
    input.hidden = false;
  }

  function pickQuestion(input, earlier) {
    var select = companion(input, false);
    var current = input.value.trim();
    select.replaceChildren(option("", "---------", !current));
    var known = false;
    earlier.forEach(function (question) {
      if (!question.key) return;
      known = known || question.key === current;
      var text = question.label ? question.label + " (" + question.key + ")" : question.key;
      select.appendChild(option(question.key, text, question.key === current));
    });
    // A key that is no earlier question stays, as typed: the server explains the problem.
    if (current && !known) select.appendChild(option(current, current, true));
    input.hidden = true;
  }

  function pickAnswer(input, question, operator) {
    var choices = question && answers(question);
    if (!choices || COMPARISON[operator]) return release(input);
    if (NO_ANSWER[operator]) {
      release(input);
      input.hidden = !input.value;
      return;
    }
    var many = Boolean(MANY[operator]);
    var select = companion(input, many);
    var current = input.value.split(/\s+/).filter(Boolean);
    select.replaceChildren();
    if (!many) select.appendChild(option("", "---------", !current.length));
    choices.forEach(function (choice) {
      var text = choice[1] && choice[1] !== choice[0] ? choice[1] + " (" + choice[0] + ")" : choice[0];
      select.appendChild(option(choice[0], text, current.indexOf(choice[0]) !== -1));
    });
    current.forEach(function (code) {
      var offered = choices.some(function (choice) { return choice[0] === code; });
      if (!offered) select.appendChild(option(code, code, true));
    });
    input.hidden = true;
  }

  function refresh() {
    var all = questions();
    document.querySelectorAll('input[name$="-value-question"]').forEach(function (input) {
      var match = RULE_QUESTION.exec(input.name);
      if (!match) return;
      var owner = match[1];
      var position = all.findIndex(function (q) { return q.prefix === owner; });
      var before = all.filter(function (q, index) {
        if (position !== -1) return index < position;
        // A section, note or page break: the questions above it in the editor.
        var block = field(owner + "-type");
        return block && (q.element.compareDocumentPosition(block) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      pickQuestion(input, before);
      var rule = input.name.slice(0, -"-question".length);
      var operator = field(rule + "-operator");
      var value = field(rule + "-value");
      if (!value) return;
      var chosen = before.find(function (q) { return q.key === input.value.trim(); });
      pickAnswer(value, chosen, operator ? operator.value : "equals");
    });
  }

  var pending = null;
  function later() {
    if (pending) return;
    pending = window.setTimeout(function () {
      pending = null;
      refresh();
    }, 150);
  }

  function ours(node) {
    return node.nodeType === 1 && node.closest && node.closest(".condition-picker") !== null;
  }

  // Blocks added, removed or moved; not the drop-downs this script fills.
  function blocksChanged(records) {
    return records.some(function (record) {
      if (ours(record.target)) return false;
      var nodes = Array.prototype.concat.call(
        Array.prototype.slice.call(record.addedNodes),
        Array.prototype.slice.call(record.removedNodes)
      );
      return nodes.some(function (node) { return !ours(node); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-edit-form]") || document.querySelector("main form");
    if (!form) return;
    later();
    form.addEventListener("change", function (event) {
      if (!ours(event.target)) later();
    });
    new MutationObserver(function (records) {
      if (blocksChanged(records)) later();
    }).observe(form, { childList: true, subtree: true });
  });
})();

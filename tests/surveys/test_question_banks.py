"""Question banks: shipped, valid, inserted as editable copies, versions never changed."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.test.utils.form_data import nested_form_data

from surveys.bank_blocks import QuestionBankBlock, bank_copies
from surveys.banks import BankStreamBlock, QuestionBank, ensure_shipped_banks
from surveys.blocks import QuestionStreamBlock
from surveys.builders import likert, question
from surveys.models import SurveyPage
from surveys.questionnaire import build_questionnaire
from tests.factories import (
    body_with_ids,
    edit_form_data,
    make_staff,
    make_survey,
    stream_form_data,
)
from tests.surveys.test_editing import editor_errors

pytestmark = pytest.mark.django_db

SHIPPED = {
    "trust_police",
    "procedural_justice",
    "willingness_to_report",
    "enforcement_fear",
    "police_contact",
    "demographics",
}
ATTITUDES = SHIPPED - {"police_contact", "demographics"}


def bank(slug: str, version: int = 1) -> QuestionBank:
    return QuestionBank.objects.get(slug=slug, version=version)


def bank_block(chosen: QuestionBank, prefix: str = "") -> dict:
    return {"type": "question_bank", "value": {"bank": chosen.pk, "prefix": prefix}}


def edit(client, user, survey, body):
    client.force_login(user)
    return client.post(f"/admin/pages/{survey.pk}/edit/", edit_form_data(survey, body))


def organizer(username="olga"):
    return make_staff(username, groups=("Organizer",))


# --- the shipped banks --------------------------------------------------------------------


def test_the_six_banks_are_shipped_by_migrate():
    shipped = QuestionBank.objects.filter(shipped=True)
    assert {b.slug for b in shipped} == SHIPPED
    assert {b.version for b in shipped} == {1}


def test_shipping_again_creates_nothing_and_changes_nothing():
    trust = bank("trust_police")
    QuestionBank.objects.filter(pk=trust.pk).update(title="Edited by hand")
    assert ensure_shipped_banks() == 0
    assert bank("trust_police").title == "Edited by hand"
    assert QuestionBank.objects.count() == len(SHIPPED)


@pytest.mark.parametrize("slug", sorted(SHIPPED))
def test_each_shipped_bank_is_a_valid_survey_body(slug):
    shipped = bank(slug)
    shipped.full_clean()  # its own stream, and its index against its own questions
    stream_block = QuestionStreamBlock()
    cleaned = stream_block.clean(stream_block.to_python(bank_copies(shipped)))
    assert cleaned[0].value["source"] == f"{slug} v1"
    questions = {c.value["key"]: c for c in cleaned if "key" in c.value}
    assert len(questions) >= 5
    for child in shipped.index:
        items = child.value["items"].split()
        assert len(items) >= 2
        assert all(questions[key].block_type == "likert" for key in items)


@pytest.mark.parametrize("slug", sorted(ATTITUDES))
def test_attitude_banks_use_a_five_point_scale_with_non_answers_and_recommend_an_index(slug):
    shipped = bank(slug)
    for child in shipped.body:
        assert child.block_type == "likert"
        assert child.value["points"] == "5"
        assert child.value["dont_know"] and child.value["prefer_not_to_say"]
    assert len(shipped.index) == 1


@pytest.mark.parametrize("slug", ["police_contact", "demographics"])
def test_contact_and_demographics_offer_prefer_not_to_say_and_no_index(slug):
    shipped = bank(slug)
    assert len(shipped.index) == 0
    assert "no recommended index" in shipped.description
    for child in shipped.body:
        if "choices" in child.value:
            codes = {c["code"] for c in child.value["choices"]}
            assert "99" in codes
            assert not child.value["required"]


def test_demographics_are_about_the_respondent():
    questions = [c for c in bank("demographics").body if "key" in c.value]
    assert questions and all(c.value["about_respondent"] for c in questions)


def test_a_bank_question_with_display_logic_is_refused():
    block = BankStreamBlock()
    raw = likert("x", "X")
    raw["value"]["show_if"] = {
        "match": "all",
        "rules": [{"type": "rule", "value": {"question": "y", "operator": "answered"}}],
    }
    with pytest.raises(StreamBlockValidationError) as error:
        block.clean(block.to_python([raw]))
    assert "always shown" in str(error.value.block_errors[0].block_errors["show_if"])


def test_an_unexpanded_bank_block_is_never_a_questionnaire_item():
    with pytest.raises(TypeError, match="expanded"):
        QuestionBankBlock().to_item({}, "id")


# --- inserting a bank into a survey through the page editor -------------------------------


@pytest.fixture
def fresh(home, neighborhoods):
    return make_survey(home, [question("short_text", "why", "Why?")], slug="fresh")


def test_inserting_a_bank_copies_its_questions_and_adds_its_index(client, staff, fresh):
    trust = bank("trust_police")
    result = edit(client, staff, fresh, [*body_with_ids(fresh), bank_block(trust)])
    assert result.status_code == 302, editor_errors(result)
    fresh = SurveyPage.objects.get(pk=fresh.pk)
    types = [child.block_type for child in fresh.body]
    assert "question_bank" not in types
    assert fresh.body[1].value["source"] == "trust_police v1"
    assert fresh.body[1].value["heading"] == trust.title
    questionnaire = build_questionnaire(fresh)
    assert questionnaire.keys == ("why", *[c.value["key"] for c in trust.body])
    assert [i.key for i in questionnaire.indices] == ["trust_index"]
    # Copies, not the bank's own blocks: fresh ids for questions and choices.
    bank_ids = {c.id for c in trust.body}
    assert not bank_ids & {c.id for c in fresh.body}
    assert bank("trust_police").is_used()
    assert not bank("procedural_justice").is_used()


def test_a_prefix_inserts_a_bank_beside_the_same_keys(client, staff, fresh):
    trust = bank("trust_police")
    assert edit(client, staff, fresh, [*body_with_ids(fresh), bank_block(trust)]).status_code == 302
    fresh = SurveyPage.objects.get(pk=fresh.pk)
    result = edit(client, staff, fresh, [*body_with_ids(fresh), bank_block(trust, "w2")])
    assert result.status_code == 302, editor_errors(result)
    questionnaire = build_questionnaire(SurveyPage.objects.get(pk=fresh.pk))
    assert "trust_right" in questionnaire.keys and "w2_trust_right" in questionnaire.keys
    second = {i.key: i for i in questionnaire.indices}["w2_trust_index"]
    assert second.items == tuple(f"w2_{c.value['key']}" for c in trust.body)


def test_a_key_collision_without_prefix_is_refused_and_changes_nothing(client, staff, home):
    survey = make_survey(home, [likert("trust_right", "Mine")], slug="mine")
    before = (survey.latest_revision_id, list(survey.body.raw_data))
    result = edit(client, staff, survey, [*body_with_ids(survey), bank_block(bank("trust_police"))])
    assert result.status_code == 200
    assert "already uses these keys of the bank: trust_right" in editor_errors(result)
    assert "Set a key prefix" in editor_errors(result)
    survey = SurveyPage.objects.get(pk=survey.pk)
    assert (survey.latest_revision_id, list(survey.body.raw_data)) == before
    assert not bank("trust_police").is_used()


def test_a_removed_published_key_in_a_bank_asks_for_a_prefix(client, staff, home):
    survey = make_survey(home, [likert("trust_right", "Mine"), likert("other", "X")], slug="s")
    kept = body_with_ids(survey)[1:]
    assert edit(client, staff, survey, kept).status_code == 302
    survey = SurveyPage.objects.get(pk=survey.pk)
    result = edit(client, staff, survey, [*kept, bank_block(bank("trust_police"))])
    assert result.status_code == 200
    assert "The bank's key 'trust_right' cannot be used" in editor_errors(result)


def test_errors_after_a_bank_point_at_the_block_the_organizer_posted(client, staff, fresh):
    later = question("short_text", "later", "Later?", max_length=50)
    later["value"]["show_if"] = {
        "match": "all",
        "rules": [{"type": "rule", "value": {"question": "nope", "operator": "answered"}}],
    }
    body = [bank_block(bank("trust_police")), *body_with_ids(fresh), later]
    result = edit(client, staff, fresh, body)
    assert result.status_code == 200
    errors = result.context["form"].errors.as_data()["body"][0].block_errors
    assert list(errors) == [2]  # not 7, its place once the bank's six blocks are in
    assert "refers to 'nope'" in str(errors[2].as_json_data())


def test_an_existing_index_key_is_not_added_twice(client, staff, home):
    survey = make_survey(home, [likert("a", "A"), likert("b", "B")], slug="own-index")
    own = {"label": "Our trust", "key": "trust_index", "items": "a b", "reversed_items": ""}
    indices = {"count": "1", "0": {"type": "index", "value": own, "deleted": "", "order": "0"}}
    body = [*body_with_ids(survey), bank_block(bank("trust_police"))]
    client.force_login(staff)
    data = edit_form_data(survey, body, indices=indices)
    result = client.post(f"/admin/pages/{survey.pk}/edit/", data)
    assert result.status_code == 302, editor_errors(result)
    survey = SurveyPage.objects.get(pk=survey.pk)
    assert [(c.value["key"], c.value["items"]) for c in survey.indices] == [("trust_index", "a b")]


# --- versions and roles --------------------------------------------------------------------


def edit_url(chosen):
    return reverse("wagtailsnippets_surveys_questionbank:edit", args=[chosen.pk])


def test_a_shipped_version_cannot_be_edited_in_place(client):
    client.force_login(organizer())
    result = client.get(edit_url(bank("trust_police")), follow=True)
    assert "cannot be changed: This bank version ships with Confianza." in result.content.decode()


def test_a_used_version_cannot_be_edited_or_deleted(client, staff, fresh):
    mine = QuestionBank.objects.create(
        slug="mine", version=1, title="Mine", body=[likert("mine_a", "A")]
    )
    client.force_login(organizer())
    assert client.get(edit_url(mine)).status_code == 200  # unused: still a draft
    edit(client, staff, fresh, [*body_with_ids(fresh), bank_block(mine)])
    client.force_login(organizer("oscar"))
    result = client.post(edit_url(mine), {"title": "Changed"}, follow=True)
    assert "A survey has used this bank version." in result.content.decode()
    client.force_login(staff)
    delete = reverse("wagtailsnippets_surveys_questionbank:delete", args=[mine.pk])
    client.post(delete)
    assert QuestionBank.objects.get(pk=mine.pk).title == "Mine"


def test_copying_a_version_starts_the_next_one(client):
    client.force_login(organizer())
    trust = bank("trust_police")
    copy = reverse("wagtailsnippets_surveys_questionbank:copy", args=[trust.pk])
    form = client.get(copy).context["form"]
    assert form.initial["slug"] == "trust_police" and form.initial["version"] == 2
    body = list(trust.body.raw_data)[:2]
    body[1]["value"]["label"] = "Local police keep their word."
    data = {
        "slug": "trust_police",
        "version": "2",
        "title": trust.title,
        "description": "Shorter.",
        "body": stream_form_data(body),
        "index": {"count": "0"},
    }
    assert client.post(copy, nested_form_data(data)).status_code == 302
    second = bank("trust_police", 2)
    assert not second.shipped and second.locked_reason() is None
    assert second.body[1].value["label"] == "Local police keep their word."
    assert bank("trust_police").body[1].value["label"] != second.body[1].value["label"]
    # The same version twice is refused, and nothing is created.
    result = client.post(copy, nested_form_data(data))
    assert (
        result.status_code == 200 and QuestionBank.objects.filter(slug="trust_police").count() == 2
    )


def test_roles_organizers_make_versions_analysts_only_read():
    organizers = Group.objects.get(name="Organizer").permissions.values_list("codename", flat=True)
    analysts = Group.objects.get(name="Analyst").permissions.values_list("codename", flat=True)
    assert {"add_questionbank", "change_questionbank", "view_questionbank"} <= set(organizers)
    assert "delete_questionbank" not in organizers
    assert "view_questionbank" in analysts
    assert not {"add_questionbank", "change_questionbank"} & set(analysts)


def test_an_analyst_can_read_a_bank_but_not_change_it(client):
    analyst = make_staff("ana", groups=("Analyst",))
    client.force_login(analyst)
    trust = bank("trust_police")
    inspect = reverse("wagtailsnippets_surveys_questionbank:inspect", args=[trust.pk])
    assert client.get(inspect).status_code == 200
    mine = QuestionBank.objects.create(slug="mine", title="Mine", body=[likert("a", "A")])
    assert client.get(edit_url(mine)).status_code != 200
    assert client.get(reverse("wagtailsnippets_surveys_questionbank:add")).status_code != 200


def test_organizers_list_read_and_choose_banks(client, fresh):
    client.force_login(organizer())
    listing = client.get(reverse("wagtailsnippets_surveys_questionbank:list")).content.decode()
    assert "Trust in local police" in listing and "Police contact history" in listing
    trust = bank("trust_police")
    inspect = reverse("wagtailsnippets_surveys_questionbank:inspect", args=[trust.pk])
    assert "trust_right" in client.get(inspect).content.decode()
    chooser = client.get(reverse("wagtailsnippetchoosers_surveys_questionbank:choose"))
    assert chooser.status_code == 200 and "Trust in local police" in chooser.content.decode()
    editor = client.get(f"/admin/pages/{fresh.pk}/edit/")
    assert editor.status_code == 200 and "question_bank" in editor.content.decode()

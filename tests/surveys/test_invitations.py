"""Invitation codes: generating, checking, redeeming, unlinkability, and the command.

The organizer views are tested in test_invitation_views.py.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import models, transaction
from django.utils import timezone
from wagtail.models import Locale

from surveys import codes, invitations
from surveys.invitations import (
    INVITATION_CODE_LENGTH,
    MAX_CODES_PER_REQUEST,
    InvitationCode,
    InvitationError,
    check,
    generate,
    redeem,
)
from surveys.models import Answer, Response
from tests.factories import every_type_body, make_survey

pytestmark = pytest.mark.django_db

CODE_SHAPE = r"^[23456789ABCDEFGHJKMNPQRSTWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTWXYZ]{4}$"


@pytest.fixture
def other_survey(home, neighborhoods):
    return make_survey(home, every_type_body(), slug="other")


# --- generating ----------------------------------------------------------------------


def test_codes_are_unique_short_and_of_the_typable_alphabet(survey):
    created = generate(survey, 50)
    assert len(created) == 50 == InvitationCode.objects.filter(survey=survey).count()
    assert len({invitation.code for invitation in created}) == 50
    for invitation in InvitationCode.objects.all():
        assert codes.normalise(invitation.code, INVITATION_CODE_LENGTH) == invitation.code
        assert invitation.neighborhood is None and invitation.redeemed_on is None
        assert invitation.created_on == timezone.localdate()
    assert 38 < codes.entropy_bits(INVITATION_CODE_LENGTH) < 40


def test_two_hundred_codes_for_each_of_three_neighborhoods(survey, neighborhoods):
    created = generate(survey, 200, neighborhoods)
    assert len(created) == 600
    per_area = dict(
        InvitationCode.objects.values_list("neighborhood__code").annotate(models.Count("pk"))
    )
    assert per_area == {"area-1": 200, "area-2": 200, "area-3": 200}
    assert InvitationCode.objects.values("code").distinct().count() == 600


def test_a_neighborhood_chosen_twice_gets_its_codes_once(survey, neighborhoods):
    assert len(generate(survey, 5, [neighborhoods[0], neighborhoods[0]])) == 5


@pytest.mark.parametrize(
    ("count", "areas", "message"),
    [(0, 0, "at least one"), (-3, 0, "at least one"), (MAX_CODES_PER_REQUEST + 1, 0, "At most")],
)
def test_impossible_counts_are_refused_and_create_nothing(
    survey, neighborhoods, count, areas, message
):
    with pytest.raises(ValueError, match=message):
        generate(survey, count, neighborhoods[:areas])
    assert not InvitationCode.objects.exists()


def test_the_limit_counts_every_neighborhood(survey, neighborhoods):
    with pytest.raises(ValueError, match="At most 5000 codes at a time; this asks for 6000"):
        generate(survey, 2000, neighborhoods)
    assert not InvitationCode.objects.exists()
    assert len(generate(survey, MAX_CODES_PER_REQUEST)) == MAX_CODES_PER_REQUEST


def test_a_drawn_code_that_is_taken_is_drawn_again(survey, monkeypatch):
    taken = generate(survey, 1)[0].code
    drawn = iter([taken, taken, "ABCD-EFGH", "ABCD-EFGH", "WXYZ-2345"])
    monkeypatch.setattr(invitations.codes, "new_code", lambda length: next(drawn))
    created = generate(survey, 2)
    assert sorted(invitation.code for invitation in created) == ["ABCD-EFGH", "WXYZ-2345"]


def test_codes_of_a_translation_belong_to_the_original(survey):
    locale = Locale.objects.create(language_code="es")
    survey.get_parent().copy_for_translation(locale).save_revision().publish()
    spanish = survey.copy_for_translation(locale)
    code = generate(spanish, 1)[0].code
    assert InvitationCode.objects.get().survey_id == survey.pk
    assert check(survey, code).code == check(spanish, code).code == code


# --- checking and redeeming ----------------------------------------------------------


def test_a_code_is_found_however_it_is_typed_and_checking_writes_nothing(survey):
    code = generate(survey, 1)[0].code
    assert check(survey, f"  {code.lower().replace('-', ' ')} ").code == code
    assert InvitationCode.objects.get().redeemed_on is None


@pytest.mark.parametrize("typed", ["", None, "ABC", "ABCD-EFG0", "ABCD-EFGH-JKMN"])
def test_a_malformed_code_says_what_a_code_looks_like(survey, typed):
    with pytest.raises(InvitationError, match="8 letters and digits"):
        check(survey, typed)


def test_an_unknown_code_and_a_code_of_another_survey_read_the_same(survey, other_survey):
    theirs = generate(other_survey, 1)[0].code
    with pytest.raises(InvitationError) as unknown:
        redeem(survey, "ABCD-EFGH")
    with pytest.raises(InvitationError) as of_another:
        redeem(survey, theirs)
    assert str(unknown.value) == str(of_another.value)
    assert "This invitation code cannot be used" in str(unknown.value)
    assert InvitationCode.objects.get().redeemed_on is None


def test_a_used_code_is_refused_with_the_words_of_an_unknown_one(survey):
    code = generate(survey, 1)[0].code
    redeem(survey, code)
    with pytest.raises(InvitationError) as used:
        redeem(survey, code)
    with pytest.raises(InvitationError) as unknown:
        redeem(survey, "ABCD-EFGH")
    assert str(used.value) == str(unknown.value)


def test_redeeming_returns_the_neighborhood_and_uses_the_code_up(survey, neighborhoods):
    code = generate(survey, 1, [neighborhoods[1]])[0].code
    with transaction.atomic():
        assert redeem(survey, code) == neighborhoods[1]
    assert InvitationCode.objects.get().redeemed_on == timezone.localdate()
    # Checking says nothing of use (a door hanger's holder learns nothing from it) ...
    assert check(survey, code).code == code
    # ... redeeming refuses it.
    with pytest.raises(InvitationError, match="cannot be used"):
        redeem(survey, code)


def test_a_code_without_neighborhood_redeems_to_none(survey):
    code = generate(survey, 1)[0].code
    assert redeem(survey, code) is None


def test_of_two_concurrent_redemptions_only_one_succeeds(survey, monkeypatch):
    """Both passed `check` before either wrote: the conditional UPDATE refuses the second."""
    code = generate(survey, 1)[0].code
    stale = check(survey, code)
    monkeypatch.setattr(invitations, "check", lambda survey, typed: stale)
    redeem(survey, code)
    with pytest.raises(InvitationError, match="cannot be used"):
        redeem(survey, code)
    assert InvitationCode.objects.filter(redeemed_on__isnull=False).count() == 1


def test_a_response_that_fails_to_be_written_leaves_its_code_unused(survey):
    code = generate(survey, 1)[0].code
    with pytest.raises(RuntimeError), transaction.atomic():
        redeem(survey, code)
        raise RuntimeError("the response could not be written")
    assert check(survey, code).redeemed_on is None


# --- unlinkability -------------------------------------------------------------------


def related_models(model) -> set:
    return {field.related_model for field in model._meta.get_fields() if field.is_relation} - {None}


def test_no_relation_links_codes_and_responses_in_either_direction():
    assert not related_models(InvitationCode) & {Response, Answer}
    assert InvitationCode not in related_models(Response) | related_models(Answer)


def test_no_time_finer_than_a_day_is_kept_with_codes_or_responses():
    for model in (InvitationCode, Response, Answer):
        for field in model._meta.concrete_fields:
            assert not isinstance(field, models.DateTimeField | models.TimeField), field
    redeemed = InvitationCode._meta.get_field("redeemed_on")
    assert type(redeemed) is models.DateField


def test_a_redeemed_code_keeps_only_its_day(survey):
    code = generate(survey, 1)[0].code
    redeem(survey, code)
    stored = InvitationCode.objects.values().get()
    assert set(stored) == {
        "id",
        "survey_id",
        "code",
        "neighborhood_id",
        "created_on",
        "redeemed_on",
        "released",
    }
    assert type(stored["redeemed_on"]) is datetime.date


# --- the command ---------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("make_invitations", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_one_code_per_line(survey, neighborhoods):
    lines = run("survey", "--count", "3").splitlines()
    assert len(lines) == 3
    assert sorted(lines) == sorted(InvitationCode.objects.values_list("code", flat=True))
    assert all(check(survey, line) for line in lines)


def test_the_command_gives_each_code_its_neighborhood(survey, neighborhoods):
    lines = run("survey", "--count", "2", "--neighborhood", "area-1", "--neighborhood", "area-3")
    rows = [line.split("\t") for line in lines.splitlines()]
    assert sorted(area for _code, area in rows) == ["area-1", "area-1", "area-3", "area-3"]
    for code, area in rows:
        assert InvitationCode.objects.get(code=code).neighborhood.code == area


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--count", "3"], "No survey with the slug 'nope'"),
        (
            ["survey", "--count", "3", "--neighborhood", "atlantis"],
            "atlantis. Neighborhoods: area-1",
        ),
        (["survey", "--count", "0"], "at least one"),
        (["survey", "--count", "9999"], "At most 5000"),
    ],
)
def test_the_command_refuses_bad_input_and_creates_nothing(survey, neighborhoods, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not InvitationCode.objects.exists()

"""Issue 18, releases are frozen: a period's figures are stored when first shown after
it closed; organizers re-publish deliberately, and the differencing intruder attacks
the new release together with the old one, reading both from the pages' HTML."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from cms.models import AuditEvent, ResultsPage
from surveys.access import grant
from surveys.disclosure.differencing import differencing_leaks, differencing_problem
from surveys.disclosure.intruder import disclosed
from surveys.frozen_releases import ResultsRelease, compute, freeze_due, republish, span_of
from surveys.questionnaire import build_questionnaire
from surveys.submission import ResponseData, record_responses
from tests.cms.test_security import INLINE_SCRIPT
from tests.disclosure.attack import printed_from_html, truth_and_people
from tests.disclosure.conftest import DAY, TRUST, K, build, names
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

FAVORABLE = {"trust": "5", "contact": "y", "stopped": "n"}
UNFAVORABLE = {"trust": "2", "contact": "n", "stopped": "y"}
START = [
    {"area": area, **answer} for area in "ab" for answer in [FAVORABLE] * 20 + [UNFAVORABLE] * 20
]
STRIP = re.compile(r'nonce="[^"]*"|csrfmiddlewaretoken" value="[^"]*"')


def late(survey, answers: list[dict], day=DAY) -> None:
    """Answers dated inside the published period, recorded after it was frozen."""
    questionnaire = build_questionnaire(survey, revision_id=survey.live_revision_id)
    record_responses(
        survey=survey,
        questionnaire=questionnaire,
        responses=[ResponseData(answers=a, submitted_on=day, language="en") for a in answers],
    )


def html(client, page, query="") -> str:
    response = client.get(page.url + query)
    assert response.status_code == 200
    return STRIP.sub("", response.content.decode())


def attack_difference(old_html, new_html, old_answers, new_answers) -> dict:
    """The intruder reads both pages' trust table and subtracts."""
    found = names(new_answers)
    old = printed_from_html(old_html, TRUST, found)
    new = printed_from_html(new_html, TRUST, found)
    old.n_is_base = new.n_is_base = True  # pages print the base of their shares as n
    old_truth, old_people = truth_and_people(old_answers, TRUST, old.kind)
    new_truth, new_people = truth_and_people(new_answers, TRUST, new.kind)
    problem, truth = differencing_problem(old, old_people, new, new_people, old_truth, new_truth)
    return disclosed(problem, truth, K)


@pytest.fixture
def published(home, client):
    survey, page = build(home, START)
    before = html(client, page)
    assert ResultsRelease.objects.filter(page=page).count() == 1
    return survey, page, before


@pytest.fixture
def organizer(published):
    survey, page, _before = published
    user = make_staff("org", groups=("Organizer",))
    grant(user=user, survey=survey)
    return user


def test_a_late_answer_never_changes_the_published_page(client, published):
    survey, page, before = published
    late(survey, [{"area": "a", **FAVORABLE}] * 3)
    assert html(client, page) == before
    assert ResultsRelease.objects.filter(page=page).count() == 1


def test_re_publishing_three_more_answers_in_a_row_is_caught(client, published, organizer):
    """Without the differencing check, re-publication lets the intruder read that the
    three residents who answered since were all favorable; with it, their rows are
    hidden in the new release."""
    survey, page, before = published
    added = [{"area": "a", **FAVORABLE}] * 3
    late(survey, added)
    period = page.closed_periods()[0]
    # The unchecked re-publication: today's figures as they would print.
    figures, audit = compute(page, period)
    unchecked = ResultsRelease.objects.create(
        page=page, page_title=page.title, survey=survey, period=period.key, ends_on=period.end,
        span=span_of(period), number=2, published_keys=" ".join(page.keys),
        weighting=page.weighting,
        figures=figures, audit=audit,
    )  # fmt: skip
    leaked = attack_difference(before, html(client, page), START, START + added)
    assert leaked and {name[2] for name in leaked} <= {"a", "__city__"}
    first = ResultsRelease.objects.get(page=page, number=1)
    assert differencing_leaks(
        first.audit["questions"], audit["questions"], first.audit["respondents"],
        audit["respondents"], K,
    )  # fmt: skip
    unchecked.delete()

    release = republish(page, period, organizer)
    assert release.number == 2 and "a" in release.hidden["trust"]
    after = html(client, page)
    assert after != before
    assert not attack_difference(before, after, START, START + added)
    assert ResultsRelease.objects.filter(page=page).count() == 2  # the old one is kept


def test_re_publishing_k_more_alike_answers_shows_them(client, published, organizer):
    survey, page, before = published
    late(survey, [{"area": "a", **FAVORABLE}] * K)
    release = republish(page, page.closed_periods()[0], organizer)
    assert release.number == 2 and release.hidden == {}
    after = html(client, page)
    assert "Based on 90 answers" in after and "Based on 80 answers" in before
    assert not attack_difference(before, after, START, START + [{"area": "a", **FAVORABLE}] * K)


def test_back_dated_paper_rows_are_refused_in_a_frozen_period(published):
    from surveys.disclosure.published_windows import published_windows

    survey, page, _before = published
    windows = published_windows(survey)
    assert [(w.since, w.until) for w in windows] == [(None, page.until)]
    assert windows[0].holds(DAY) and not windows[0].holds(page.until + datetime.timedelta(1))


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Period: "), ("es", "Periodo: "), ("ar", "الفترة: ")],
)
def test_visitors_pick_a_month_in_their_language(client, home, language, heading):
    survey, _page = build(home, START)
    page = ResultsPage(
        title="Monthly",
        slug="monthly",
        survey=survey,
        published_keys="trust",
        weighting="none",
        period_kind="months",
        since=datetime.date(2026, 1, 1),
        until=datetime.date(2026, 3, 31),
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    address = f"/{language}/" + page.url.removeprefix("/en/")
    first = client.get(address).content.decode()
    links = re.findall(r'<a href="([^"]*\?period=[^"]*)"', first)
    assert links == [f"{address}?period=2026-02", f"{address}?period=2026-01"]
    assert heading in first and 'aria-current="page"' in first
    assert "Based on 80 answers" in first or language != "en"  # March: everyone
    february = client.get(links[0]).content.decode()
    assert heading in february
    again = re.findall(r'<a href="([^"]*\?period=[^"]*)"', february)
    assert again == [f"{address}?period=2026-03", f"{address}?period=2026-01"]
    assert client.get(f"{address}?period=2026-04").status_code == 404  # not closed
    assert client.get(f"{address}?period=nonsense").status_code == 404
    assert set(ResultsRelease.objects.filter(page=page).values_list("period", flat=True)) == {
        "2026-03",
        "2026-02",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one period"),
        ("2026-01-01 2026-02-15 Winter\n2026-02-01 2026-03-31 Spring", "overlap"),
        ("2026-03-31 2026-01-01 Backwards", "ends before it starts"),
        ("2026-01-01 Winter", "the first day, the last day and a name"),
        ("2026-02-30 2026-03-31 Nonsense", "not a date"),
    ],
)
def test_bad_named_periods_are_refused_and_change_nothing(published, text, message):
    _survey, page, _before = published
    page.period_kind, page.named_periods = "named", text
    with pytest.raises(ValidationError, match=message):
        page.full_clean()
    assert ResultsPage.objects.get(pk=page.pk).period_kind == "window"


def test_a_period_overlapping_a_published_one_is_refused(published):
    """Two periods a day apart would reveal that day's answers by subtraction."""
    _survey, page, _before = published
    page.period_kind, page.named_periods = "named", "2026-01-01 2026-03-30 Almost"
    with pytest.raises(ValidationError, match="overlaps a published period"):
        page.full_clean()
    page.named_periods = "2026-04-01 2026-04-30 April\n2026-05-01 2026-05-31 May"
    page.full_clean()  # after the published one: fine


def test_upkeep_stores_closed_periods(home):
    _survey, page = build(home, START)
    assert not ResultsRelease.objects.exists()
    assert freeze_due() == 1
    assert freeze_due() == 0  # stored once
    assert ResultsRelease.objects.get().period == page.closed_periods()[0].key


def test_only_who_may_edit_the_page_re_publishes(client, published, organizer):
    survey, page, _before = published
    address = f"/admin/surveys/results-pages/{page.pk}/releases/"
    key = page.closed_periods()[0].key
    analyst = make_staff("ana", groups=("Analyst",))  # sees results, edits no page
    grant(user=analyst, survey=survey)
    stranger = make_staff("other", groups=("Organizer",))  # edits pages, no grant
    for user in (analyst, stranger):
        client.force_login(user)
        for response in (client.get(address), client.post(address, {"period": key})):
            assert (response.status_code, response.url) == (302, "/admin/")  # refused
    client.logout()
    assert "login" in client.post(address, {"period": key}).url
    assert ResultsRelease.objects.filter(page=page).count() == 1
    assert not AuditEvent.objects.filter(action="republish").exists()

    client.force_login(organizer)
    listing = client.get(address).content.decode()
    assert "Re-publish" in listing and not INLINE_SCRIPT.findall(listing)
    assert client.post(address, {"period": key}).status_code == 302
    assert ResultsRelease.objects.filter(page=page).count() == 2
    event = AuditEvent.objects.get(action="republish")
    assert event.user == organizer and event.detail["release"] == 2
    assert client.post(address, {"period": "2099-01"}).status_code == 302
    assert ResultsRelease.objects.filter(page=page).count() == 2


def test_a_re_publication_that_still_leaks_is_refused(client, published, organizer, monkeypatch):
    """When hiding rows does not settle it (here: one round allowed), the organizer is
    told, and the page keeps its figures."""
    import surveys.frozen_releases

    survey, page, before = published
    late(survey, [{"area": "a", **FAVORABLE}] * 3)
    monkeypatch.setattr(surveys.frozen_releases, "DIFFERENCING_ROUNDS", 1)
    client.force_login(organizer)
    address = f"/admin/surveys/results-pages/{page.pk}/releases/"
    response = client.post(address, {"period": page.closed_periods()[0].key}, follow=True)
    assert "Not re-published" in response.content.decode()
    assert ResultsRelease.objects.filter(page=page).count() == 1
    assert not AuditEvent.objects.filter(action="republish").exists()
    event = AuditEvent.objects.get(action="refuse_release")
    assert event.user == organizer and event.detail["reason"] == "differencing"
    assert "trust" in event.detail["params"]["questions"]
    listing = client.get(address).content.decode()
    assert "Refused" in listing and "fewer than 10 people (contact, stopped, trust)" in listing
    assert "Re-publication" in listing and organizer.get_username() in listing
    client.logout()
    assert html(client, page) == before


def test_the_editor_explains_bad_named_periods_and_keeps_the_page(client, published, organizer):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

    survey, page, _before = published
    client.force_login(organizer)

    def post(text):
        data = {
            "title": page.title,
            "slug": page.slug,
            "survey": str(survey.pk),
            "intro": rich_text(""),
            "published_keys": page.published_keys,
            "weighting": page.weighting,
            "period_kind": "named",
            "since": "",
            "until": "",
            "named_periods": text,
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
        return client.post(f"/admin/pages/{page.pk}/edit/", nested_form_data(data))

    refused = post("2026-04-01 2026-05-15 Spring\n2026-05-01 2026-06-30 Summer")
    assert refused.status_code == 200
    assert "“Spring” and “Summer” overlap" in refused.content.decode()
    assert ResultsPage.objects.get(pk=page.pk).period_kind == "window"
    assert post("2026-04-01 2026-04-30 April").status_code == 302
    assert ResultsPage.objects.get(pk=page.pk).named_periods == "2026-04-01 2026-04-30 April"

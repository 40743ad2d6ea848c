"""The reviewer's three leaks of frozen releases (and erasures), each asserted closed
through the real pages: a chain of re-publications (release 3 − release 1), one period
shown by several pages or translations with their own releases, and two periods that
partly overlap, each frozen at first view."""

import datetime
import logging

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from cms.models import AuditEvent, ResultsPage
from surveys.access import grant
from surveys.disclosure.differencing import differencing_leaks
from surveys.frozen_releases import ResultsRelease, compute, republish
from surveys.models import Response
from tests.disclosure import test_frozen_releases as frozen
from tests.disclosure.conftest import K, build
from tests.disclosure.test_frozen_releases import FAVORABLE, START, attack_difference, html, late
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
published, organizer = frozen.published, frozen.organizer  # the fixtures


def leaks(old: ResultsRelease, audit: dict) -> dict:
    return differencing_leaks(
        old.audit["questions"], audit["questions"], old.audit["respondents"],
        audit["respondents"], K,
    )  # fmt: skip


def test_a_third_release_is_attacked_against_the_first(client, published, organizer):
    """Release 2 hides the three new answers against release 1; release 3 (nothing new)
    hides nothing against release 2 but must still not be subtractable from release 1."""
    survey, page, before = published
    added = [{"area": "a", **FAVORABLE}] * 3
    late(survey, added)
    period = page.closed_periods()[0]
    second = republish(page, period, organizer)
    assert "a" in second.hidden["trust"]
    third = republish(page, period, organizer)
    assert third.number == 3 and "a" in third.hidden["trust"]
    first = ResultsRelease.objects.get(survey=survey, number=1)
    assert not leaks(first, third.audit) and not leaks(second, third.audit)
    after = html(client, page)
    assert not attack_difference(before, after, START, START + added)


def test_every_page_and_translation_of_a_period_shows_one_release(client, home):
    survey, page = build(home, START)
    english = html(client, page)
    late(survey, [{"area": "a", **FAVORABLE}] * 3)  # in the period, after it was shown
    spanish = Locale.objects.get_or_create(language_code="es")[0]
    home.copy_for_translation(spanish).save_revision().publish()
    es_page = page.copy_for_translation(spanish)
    es_page.save_revision().publish()
    es_page.refresh_from_db()
    shown = client.get(es_page.url)
    assert shown.status_code == 200 and shown.context["results"]["responses"] == 80
    # Another page of the survey with the same days and settings; and one made again
    # after the first was deleted: the same stored release.
    twin = ResultsPage(
        title="Twin", slug="twin", survey=survey, published_keys=page.published_keys,
        weighting="none", until=page.until,
    )  # fmt: skip
    home.add_child(instance=twin)
    twin.save_revision().publish()
    assert html(client, twin).count("Based on 80 answers") == 1
    until, keys = page.until, page.published_keys
    page.delete()
    again = ResultsPage(
        title="Again", slug="again", survey=survey, published_keys=keys, weighting="none",
        until=until,
    )  # fmt: skip
    home.add_child(instance=again)
    again.save_revision().publish()
    assert html(client, again).count("Based on 80 answers") == 1
    assert ResultsRelease.objects.filter(survey=survey).count() == 1
    assert "Based on 80 answers" in english
    # Other questions for the same days: attacked against the stored release.
    trust_only = ResultsPage(
        title="Trust", slug="trust-only", survey=survey, published_keys="trust",
        weighting="none", until=until,
    )  # fmt: skip
    home.add_child(instance=trust_only)
    trust_only.save_revision().publish()
    other = html(client, trust_only)
    added = [{"area": "a", **FAVORABLE}] * 3
    assert not attack_difference(english, other, START, START + added)
    stored = ResultsRelease.objects.filter(survey=survey, published_keys="trust").get()
    assert "a" in stored.hidden["trust"]


def test_a_period_partly_overlapping_a_frozen_one_is_refused_on_the_page(client, home, caplog):
    survey, first = build(home, START)  # ..2026-03-31
    late(survey, [{"area": "a", **FAVORABLE}] * 3, day=datetime.date(2026, 3, 31))
    second = ResultsPage(
        title="B", slug="b-results", survey=survey, published_keys="trust", weighting="none",
        since=datetime.date(2026, 3, 1), until=datetime.date(2026, 3, 30),
    )  # fmt: skip
    second.clean()  # nothing frozen yet: accepted
    home.add_child(instance=second)
    second.save_revision().publish()
    assert "Based on 83 answers" in html(client, first)
    with caplog.at_level(logging.WARNING, logger="surveys.frozen_releases"):
        page = html(client, second)
    assert "not published" in page and "overlaps another published period" in page
    assert "Based on" not in page
    assert "not frozen (overlap" in caplog.text
    assert ResultsRelease.objects.filter(survey=survey).count() == 1
    # An audit event, once (not on every view), listed for organizers in their language.
    cache.clear()
    html(client, second)
    event = AuditEvent.objects.get(action="refuse_release")
    assert event.page.pk == second.pk and event.user is None
    assert event.detail["reason"] == "overlap" and event.detail["republication"] is False
    organizer = make_staff("org2", groups=("Organizer",))
    grant(user=organizer, survey=survey)
    client.force_login(organizer)
    address = f"/admin/surveys/results-pages/{second.pk}/releases/"
    listing = client.get(address).content.decode()
    assert "automatic: first showing or hourly upkeep" in listing and "First release" in listing
    assert "partly overlaps another published period of this survey (Results" in listing
    profile = UserProfile.get_for_user(organizer)
    profile.preferred_language = "es"
    profile.save()
    spanish_listing = client.get(address).content.decode()
    assert "Se solapa en parte con otro período publicado" in spanish_listing
    client.logout()
    spanish = client.get("/es/" + second.url.removeprefix("/en/")).content.decode()
    assert "no se publican" in spanish
    cache.clear()
    with translation.override("en"), pytest.raises(ValidationError, match="overlaps a published"):
        second.clean()  # and the editor says so too


def test_erased_answers_are_not_revealed_by_a_re_publication(client, published, organizer):
    """Three favorable answers of neighborhood a deleted (erasure) between releases: a
    drop of 3 is as revealing as a rise of 3."""
    survey, page, before = published
    erased = list(
        Response.objects.filter(survey=survey, answers__key="trust", answers__code="5")
        .filter(neighborhood__code="a")
        .values_list("pk", flat=True)[:3]
    )
    Response.objects.filter(pk__in=erased).delete()
    period = page.closed_periods()[0]
    first = ResultsRelease.objects.get(survey=survey)
    _figures, unchecked = compute(page, period)
    assert "trust" in leaks(first, unchecked)  # the drop is found
    release = republish(page, period, organizer)
    assert "a" in release.hidden["trust"]
    remaining = [a for a in START]
    for index in [i for i, a in enumerate(START) if a["area"] == "a" and a["trust"] == "5"][:3]:
        remaining[index] = None
    after = html(client, page)
    assert not attack_difference(before, after, START, [a for a in remaining if a])

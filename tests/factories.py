"""Small builders for tests: a page tree, neighborhoods and surveys of every question type."""

from __future__ import annotations

import copy
import time

from django.conf import settings
from wagtail.models import Locale, Page, Site

from cms.models import HomePage, Neighborhood, SiteSettings
from surveys.builders import choices, keep_block_ids, likert, note, question, section
from surveys.models import SurveyPage


def make_home() -> HomePage:
    # Migrations create Wagtail's root page and default locale; a transactional test's
    # flush (the browser tests' live server) removes them.
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = HomePage(title="Home", slug="test-home")
    root.add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    site = site or Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = home
    site.save()
    SiteSettings.for_site(site)  # its row, as on any site that has served a page
    return home


def make_neighborhoods(count: int = 3) -> list[Neighborhood]:
    return [
        Neighborhood.objects.create(name=f"Area {i}", code=f"area-{i}", population=1000 * i)
        for i in range(1, count + 1)
    ]


def make_survey(parent: Page, body: list[dict], *, slug="survey", publish=True, **fields):
    survey = SurveyPage(
        title=fields.pop("title", "Test survey"), slug=slug, body=body, live=publish, **fields
    )
    parent.add_child(instance=survey)
    revision = survey.save_revision()
    if publish:
        revision.publish()
    survey.refresh_from_db()
    return survey


def publish_body(survey: SurveyPage, body: list[dict]) -> SurveyPage:
    """Publish a new revision of `survey` with `body` (as an organizer's edit would:
    questions keep their block ids by key)."""
    survey.body = keep_block_ids(survey.body, body)
    survey.save_revision().publish()
    survey.refresh_from_db()
    return survey


def every_type_body() -> list[dict]:
    """A survey with one question of every type, and the non-question blocks."""
    return [
        note("<p>Please answer honestly.</p>"),
        section("About you"),
        question("neighborhood", "area", "Which neighborhood?"),
        question(
            "single_choice",
            "color",
            "Favourite colour?",
            choices=choices(
                ("r", "Red"), ("g", "Green"), ("dk", "Don't know"), non_substantive=("dk",)
            ),
            widget="radio",
            required=True,
        ),
        question(
            "single_choice",
            "size",
            "Size?",
            choices=choices(("s", "Small"), ("l", "Large")),
            widget="dropdown",
        ),
        question(
            "multiple_choice",
            "places",
            "Places avoided?",
            choices=choices(("a", "Park"), ("b", "Clinic"), ("c", "School")),
            max_selections=2,
        ),
        likert("trust", "I trust the police.", points=5),
        likert("trust7", "I trust the council.", points=7, dont_know=False, prefer_not=False),
        question("rating", "overall", "Overall trust?", min_label="None", max_label="Full"),
        question("number", "age", "Age?", min_value=18, max_value=120, integer=True),
        question("number", "hours", "Hours?", min_value=0, max_value=24, integer=False),
        question("short_text", "nickname", "A word?", max_length=20),
        question("long_text", "story", "Tell us more", max_length=100),
        question("date", "stopped_on", "When?", min_date="2020-01-01", max_date="2030-12-31"),
    ]


def valid_answers() -> dict[str, str | list[str]]:
    """Form data (unprefixed keys) answering every question of `every_type_body`."""
    return {
        "area": "area-2",
        "color": "g",
        "size": "l",
        "places": ["a", "c"],
        "trust": "4",
        "trust7": "6",
        "overall": "7",
        "age": "34",
        "hours": "2,5",
        "nickname": "hola",
        "story": "Line one\nline two",
        "stopped_on": "2024-05-31",
    }


def post_data(answers: dict, *, survey, revision=None, shown_seconds_ago: int = 60) -> dict:
    """What the resident's browser posts: prefixed answers, and the token of a form
    shown `shown_seconds_ago` (as if a person took that long to answer)."""
    data = {f"q-{key}": value for key, value in answers.items()}
    if revision is not None:
        data["revision"] = str(revision)
    data["started"] = form_started_token(survey, shown_seconds_ago)
    return data


def form_started_token(survey, seconds_ago: int) -> str:
    from django.core import signing

    from cms import protection

    shown_at = int(time.time()) - seconds_ago
    return signing.Signer(salt=protection._STARTED_SALT).sign(f"survey:{survey.pk}|{shown_at}")


def numbered_body(count: int) -> list[dict]:
    """`count` questions cycling through the common types."""
    body = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            body.append(likert(f"l{i}", f"Statement {i}"))
        elif kind == 1:
            body.append(
                question(
                    "single_choice",
                    f"s{i}",
                    f"Choice {i}",
                    choices=choices(("1", "One"), ("2", "Two"), ("3", "Three")),
                    widget="radio",
                )
            )
        elif kind == 2:
            body.append(
                question(
                    "multiple_choice",
                    f"m{i}",
                    f"Multi {i}",
                    choices=choices(("a", "A"), ("b", "B"), ("c", "C")),
                )
            )
        else:
            body.append(question("number", f"n{i}", f"Number {i}", min_value=0, max_value=100))
    return body


def _form_value(value):
    """A block value as the admin form posts it (nested dicts, booleans as checkboxes)."""
    if isinstance(value, dict):
        return {k: _form_value(v) for k, v in value.items() if v is not False}
    if isinstance(value, list):
        items = {}
        for i, item in enumerate(value):
            # Stored list items look like {"type": "item", "value": ..., "id": ...}.
            stored = isinstance(item, dict) and item.get("type") == "item"
            items[str(i)] = {
                "value": _form_value(item["value"] if stored else item),
                "deleted": "",
                "order": str(i),
                "id": item["id"] if stored else "",
            }
        return {"count": str(len(value)), **items}
    if value is True:
        return "on"
    return "" if value is None else str(value)


def _condition_form_value(show_if) -> dict:
    """A "Show only if" block value as the admin form posts it (its rules are a stream)."""
    show_if = show_if or {"match": "all", "rules": []}
    rules = {"count": str(len(show_if["rules"]))}
    for index, rule in enumerate(show_if["rules"]):
        rules[str(index)] = {
            "type": rule["type"],
            "value": _form_value(rule["value"]),
            "deleted": "",
            "order": str(index),
            "id": rule.get("id", ""),
        }
    return {"match": show_if["match"], "rules": rules}


def stream_form_data(body_with_ids: list[dict]) -> dict:
    """A question stream as the admin form posts it (before `nested_form_data`)."""
    from wagtail.test.utils.form_data import rich_text

    stream = {"count": str(len(body_with_ids))}
    for index, item in enumerate(body_with_ids):
        raw = {k: v for k, v in item["value"].items() if k != "show_if"}
        value = _form_value(raw)
        if item["type"] == "note":
            value = {"text": rich_text(item["value"]["text"])}
        value["show_if"] = _condition_form_value(item["value"].get("show_if"))
        stream[str(index)] = {
            "type": item["type"],
            "value": value,
            "deleted": "",
            "order": str(index),
            "id": item.get("id", ""),
        }
    return stream


def edit_form_data(survey, body_with_ids: list[dict], **fields) -> dict:
    """POST data for Wagtail's page editor publishing `survey` with this body.

    Each body item is {"type", "value", "id"}; keeping a block's id is what tells Wagtail
    (and the key-stability check) that it is the same question, edited.
    """
    from wagtail.test.utils.form_data import nested_form_data, rich_text

    stream = stream_form_data(body_with_ids)
    data = {
        "title": survey.title,
        "slug": survey.slug,
        "intro": rich_text("<p>Intro</p>"),
        "thank_you": rich_text("<p>Thanks</p>"),
        "small_cell_threshold": str(survey.small_cell_threshold),
        "admission": survey.admission,
        "partial_days": str(survey.partial_days),
        "body": stream,
        "indices": {"count": "0"},
        "action-publish": "action-publish",
    }
    data.update(fields)
    return nested_form_data(data)


def body_with_ids(survey) -> list[dict]:
    """The survey's stored body as raw blocks with their ids (and choice ids)."""
    return copy.deepcopy(list(survey.body.raw_data))


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def make_staff(
    username: str,
    *,
    superuser: bool = False,
    groups: tuple[str, ...] = (),
    mfa: bool = True,
    password: str = "correct horse battery staple",  # noqa: S107
):
    """A staff account as allauth expects it: verified email, optionally with TOTP."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    email = f"{username}@example.org"
    if superuser:
        user = User.objects.create_superuser(username, email, password)
    else:
        user = User.objects.create_user(username, email, password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The current code an authenticator app would show, never one about to expire (a
    person would wait for the next one too): a code typed into a browser must still be
    valid when the server checks it."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < 5:
        time.sleep(left + 0.1)
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def release_everything() -> None:
    """Show staff every response and used code, as releases will once days have closed
    and enough have come in (surveys/release.py); for tests about what staff see, not
    about when they see it."""
    from surveys.invitations import InvitationCode
    from surveys.models import Answer, Response

    Response.objects.update(released=True)
    Answer.objects.update(released=True)
    InvitationCode.objects.filter(redeemed_on__isnull=False).update(released=True)

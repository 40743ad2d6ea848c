"""Grants that named a page become grants on the surveys it covered (surveys 0005).

Run on a real migration: the app is taken back to 0004, grants are made as they were
then (on a parent page and on a translation), and migrated forward.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Locale, Page, Site

BEFORE = [("surveys", "0004_response_cells")]
AFTER = [("surveys", "0005_grants_name_surveys")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_grants(transactional_db):
    from tests.factories import every_type_body, make_home, make_staff, make_survey

    # A transactional test starts after another's flush: bring back what migrations made
    # (and forget the content types cached before the flush renumbered them).
    ContentType.objects.clear_cache()
    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    Site.objects.get_or_create(is_default_site=True, defaults={"root_page": root})
    home = make_home()
    first = make_survey(home, every_type_body(), slug="first")
    second = make_survey(home, every_type_body(), slug="second")
    apart = make_survey(home, every_type_body(), slug="apart")
    analyst, translator = make_staff("ana"), make_staff("tra")
    spanish = first.copy_for_translation(
        Locale.objects.create(language_code="es"), copy_parents=True
    )
    try:
        apps = migrate(BEFORE)
        OldAccess = apps.get_model("surveys", "SurveyAccess")
        OldAccess.objects.create(user_id=analyst.pk, page_id=home.pk)
        OldAccess.objects.create(user_id=translator.pk, page_id=spanish.pk)
        OldAccess.objects.filter(user_id=analyst.pk).update(granted_on="2026-01-05")
        migrate(AFTER)
        yield {
            "analyst": analyst,
            "translator": translator,
            # Ids, not a queryset: today's SurveyPage has columns a 0005 table lacks.
            "surveys": [first.pk, second.pk, apart.pk],
            "first": first,
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_a_page_grant_becomes_one_grant_per_survey_it_covered(old_grants):
    from surveys.models import SurveyAccess

    analyst = old_grants["analyst"]
    held = SurveyAccess.objects.filter(user=analyst)
    assert {access.survey_id for access in held} == set(old_grants["surveys"])
    assert {str(access.granted_on) for access in held} == {"2026-01-05"}


def test_a_grant_on_a_translation_is_held_on_the_original(old_grants):
    from surveys.models import SurveyAccess

    held = SurveyAccess.objects.get(user=old_grants["translator"])
    assert held.survey_id == old_grants["first"].pk

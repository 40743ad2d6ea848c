"""Grants name a survey, not a place in the page tree.

A grant on a page used to cover every survey whose path lay below it, so moving a
survey under a granted page widened a grant. Each old grant becomes one grant per
survey that it covered when this migration runs (held on the survey's original, under
which every translation's responses pool); the page column goes.
"""

import django.db.models.deletion
from django.db import migrations, models


def grants_per_survey(apps, schema_editor):
    SurveyAccess = apps.get_model("surveys", "SurveyAccess")
    SurveyPage = apps.get_model("surveys", "SurveyPage")
    originals: dict[str, int] = {}
    for pk, key in SurveyPage.objects.order_by("pk").values_list("pk", "translation_key"):
        originals.setdefault(str(key), pk)
    wanted: dict[tuple[int, int], object] = {}
    for access in SurveyAccess.objects.select_related("page"):
        covered = SurveyPage.objects.filter(path__startswith=access.page.path)
        for key in covered.values_list("translation_key", flat=True):
            wanted.setdefault((access.user_id, originals[str(key)]), access.granted_on)
    SurveyAccess.objects.all().delete()
    for (user_id, survey_id), granted_on in wanted.items():
        access = SurveyAccess.objects.create(user_id=user_id, survey_id=survey_id)
        # auto_now_add set today's date: keep the day the original grant was made.
        SurveyAccess.objects.filter(pk=access.pk).update(granted_on=granted_on)
    if schema_editor.connection.vendor == "postgresql":
        # Check the new rows' keys now: PostgreSQL refuses to alter a table with
        # deferred checks pending, and this migration alters it next.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0004_response_cells"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="surveyaccess", name="one_grant_per_user_and_page"),
        migrations.AddField(
            model_name="surveyaccess",
            name="survey",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="surveys.surveypage",
                verbose_name="survey",
            ),
        ),
        migrations.AlterField(
            model_name="surveyaccess",
            name="page",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="wagtailcore.page",
            ),
        ),
        migrations.RunPython(grants_per_survey, migrations.RunPython.noop),
        migrations.RemoveField(model_name="surveyaccess", name="page"),
        migrations.AlterField(
            model_name="surveyaccess",
            name="survey",
            field=models.ForeignKey(
                help_text="A grant on any language version covers the survey in every language.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="surveys.surveypage",
                verbose_name="survey",
            ),
        ),
        migrations.AddConstraint(
            model_name="surveyaccess",
            constraint=models.UniqueConstraint(
                fields=("user", "survey"), name="one_grant_per_user_and_survey"
            ),
        ),
    ]

"""A release belongs to the survey, its days and the published settings, not to one page:
every page and translation showing the same days reads the same release."""

from django.db import migrations, models


def fill_spans(apps, schema_editor):
    """Stored releases get their days; those that now share a survey, days and settings
    are numbered in the order they were made (the latest is shown)."""
    Release = apps.get_model("surveys", "ResultsRelease")
    numbers: dict = {}
    for release in Release.objects.order_by("made_at", "pk"):
        release.span = f"{release.starts_on or ''}..{release.ends_on}"
        release.published_keys = " ".join(release.published_keys.split())
        group = (release.survey_id, release.span, release.published_keys, release.weighting)
        numbers[group] = numbers.get(group, 0) + 1
        release.number = numbers[group]
        release.save(update_fields=["span", "published_keys", "number"])


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0012_condition_hints"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="resultsrelease",
            name="one_release_number_per_period",
        ),
        migrations.AddField(
            model_name="resultsrelease",
            name="span",
            field=models.CharField(default="", max_length=24, verbose_name="days"),
        ),
        migrations.RunPython(fill_spans, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="resultsrelease",
            options={
                "ordering": ["survey", "span", "-number"],
                "verbose_name": "results release",
            },
        ),
        migrations.AddConstraint(
            model_name="resultsrelease",
            constraint=models.UniqueConstraint(
                fields=("survey", "span", "published_keys", "weighting", "number"),
                name="one_release_number_per_survey_period",
            ),
        ),
    ]

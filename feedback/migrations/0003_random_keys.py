"""Feedback gets a random key: staff, URLs, exports and the audit log use it instead of
the row id, which counts items in the order they came."""

import uuid

from django.db import migrations, models


def give_keys(apps, schema_editor):
    Feedback = apps.get_model("feedback", "Feedback")
    for item in Feedback.objects.only("pk").iterator():
        Feedback.objects.filter(pk=item.pk).update(key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_moderation_roles")]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="key",
            field=models.UUIDField(editable=False, null=True, verbose_name="key"),
        ),
        migrations.RunPython(give_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="feedback",
            name="key",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="key"
            ),
        ),
        migrations.AlterModelOptions(
            name="feedback",
            options={
                "ordering": ["-submitted_on", "key"],
                "permissions": [
                    (
                        "moderate_feedback",
                        "Moderate feedback: read originals and contact details",
                    )
                ],
                "verbose_name": "feedback",
                "verbose_name_plural": "feedback",
            },
        ),
    ]

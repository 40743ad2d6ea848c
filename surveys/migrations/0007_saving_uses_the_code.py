"""'Continue later' uses the invitation code up: no code is kept with a resume code.

A code held, unredeemed, beside a saved response tied the code to that response's
answers, and clearing it when the code was used elsewhere told anyone resuming whether
the household had answered. Codes held so are used up now, and their saved responses
marked as admitted.
"""

from django.db import migrations, models
from django.utils import timezone


def use_held_codes(apps, schema_editor):
    ResumeCode = apps.get_model("surveys", "ResumeCode")
    InvitationCode = apps.get_model("surveys", "InvitationCode")
    held = ResumeCode.objects.exclude(invitation="")
    codes = list(held.values_list("invitation", flat=True))
    InvitationCode.objects.filter(code__in=codes, redeemed_on__isnull=True).update(
        redeemed_on=timezone.localdate()
    )
    held.update(admitted=True)
    if schema_editor.connection.vendor == "postgresql":
        # Check now: PostgreSQL refuses to alter a table with deferred checks pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [("surveys", "0006_release_batches")]

    operations = [
        migrations.AddField(
            model_name="resumecode",
            name="admitted",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(use_held_codes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="resumecode", name="invitation"),
    ]

"""Moderators and Organizers moderate feedback; Organizers also manage its topics.

Analysts do not: they see survey data, not originals or contact details.
"""

import importlib

from django.db import migrations

GRANTS = {
    "Moderator": ["feedback.moderate_feedback"],
    "Organizer": [
        "feedback.moderate_feedback",
        "feedback.add_topic",
        "feedback.change_topic",
        "feedback.delete_topic",
        "feedback.view_topic",
    ],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the staff roles made them.
    roles = importlib.import_module("cms.migrations.0003_staff_roles")
    roles.create_roles(apps, schema_editor)
    Group = apps.get_model("auth", "Group")
    for name, permissions in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(roles.permission(apps, dotted) for dotted in permissions))


def revoke(apps, schema_editor):
    roles = importlib.import_module("cms.migrations.0003_staff_roles")
    Group = apps.get_model("auth", "Group")
    for name, permissions in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*(roles.permission(apps, dotted) for dotted in permissions))


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("cms", "0003_staff_roles")]

    operations = [migrations.RunPython(grant, revoke)]

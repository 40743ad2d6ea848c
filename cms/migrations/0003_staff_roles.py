"""The staff roles as groups: Organizer, Analyst, Moderator.

Which surveys a member sees is decided by grants (surveys.SurveyAccess); these groups
decide what they may do. Superusers manage users and grants.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Organizer": [
        "wagtailadmin.access_admin",
        "cms.add_neighborhood",
        "cms.change_neighborhood",
        "cms.view_neighborhood",
        "cms.change_sitesettings",
        "surveys.view_responses",
        "surveys.view_results",
    ],
    "Analyst": [
        "wagtailadmin.access_admin",
        "surveys.view_responses",
        "surveys.view_results",
        "surveys.export_responses",
    ],
    # Feedback permissions are added by the feedback app's migrations.
    "Moderator": ["wagtailadmin.access_admin"],
}
# Organizers build and publish pages anywhere in the tree, and upload images and files.
ORGANIZER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
ORGANIZER_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def permission(apps, dotted):
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    # Wagtail's sample groups ("Editors", "Moderators") would read as our roles; a fresh
    # site has no members in them.
    Group.objects.filter(name__in=["Editors", "Moderators"], user__isnull=True).delete()
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permission(apps, dotted) for dotted in permissions))

    organizer = Group.objects.get(name="Organizer")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    if root is not None:
        for codename in ORGANIZER_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=organizer, page=root, permission=permission(apps, f"wagtailcore.{codename}")
            )
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for app_label, codename in ORGANIZER_COLLECTION_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=organizer,
                collection=root_collection,
                permission=permission(apps, f"{app_label}.{codename}"),
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0002_initial"),
        ("surveys", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]

"""The "운영진" group: exactly the permissions moderation needs, nothing about users'
own permissions (they can view members and ban them, not edit them)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "운영진"
PERMISSIONS = {
    "board": [
        "view_board", "change_board",
        "view_post", "change_post",
        "view_comment", "change_comment",
        "view_report", "change_report",
        "view_reportedpost", "change_reportedpost",
        "view_reportedcomment", "change_reportedcomment",
        "view_moderationlog",
        "view_postvote",
    ],
    "accounts": ["view_user", "ban_user"],
    "taggit": ["view_tag"],
}  # fmt: skip


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codenames in PERMISSIONS.items()
        for codename in codenames
    ]
    group.permissions.set(wanted)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0006_report_queue"),
        ("accounts", "0002_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]

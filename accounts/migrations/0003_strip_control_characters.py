"""닉네임 written before the forms refused control characters (issue 18): the characters go,
tabs and line breaks become spaces. A nickname that would then be too short or taken by
another member (case-insensitively, as the database checks) gets the member's number, so
every member keeps a unique, readable name."""

import re

from django.db import migrations

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\t\n\r]")
MAX_LENGTH = 20


def one_line(text):
    return " ".join(CONTROL.sub("", LINE_BREAKS.sub(" ", text)).split())


def clean_nicknames(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    first = "\x01" if schema_editor.connection.vendor == "postgresql" else "\x00"
    pattern = f"[{first}-\x1f\x7f-\x9f]"
    for user in User.objects.filter(nickname__regex=pattern).order_by("pk"):
        nickname = one_line(user.nickname)
        others = User.objects.exclude(pk=user.pk)
        if len(nickname) < 2 or others.filter(nickname__iexact=nickname).exists():
            base, suffix, attempt = nickname or "회원", str(user.pk), 0
            nickname = base[: MAX_LENGTH - len(suffix)] + suffix
            while others.filter(nickname__iexact=nickname).exists():
                attempt += 1
                suffix = f"{user.pk}-{attempt}"
                nickname = base[: MAX_LENGTH - len(suffix)] + suffix
        User.objects.filter(pk=user.pk).update(nickname=nickname)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_moderation")]

    operations = [migrations.RunPython(clean_nicknames, migrations.RunPython.noop, elidable=True)]

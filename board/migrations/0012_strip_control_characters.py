"""Clean rows written before the forms refused control characters (issue 18).

C0/C1 control characters go from every text members and moderators wrote: titles, bodies,
원문 URLs, comments, tags, report details, moderation reasons, board names and 인기검색어
terms (nicknames: accounts 0003). Multi-line text keeps tab and line breaks; in one-line
text they become spaces. 원문 URLs also get quotes, angle brackets, backticks and spaces
percent-encoded, which is what the form asks members to paste now.

Posts whose stored HTML shows a picture the sanitiser now refuses (a local one that is not
a file we stored, the /media/%2e%2e/search/ trick; this site's pages behind an entity or
a trailing dot) are rendered again too. Bodies are rendered with this
release's board.markup: the stored HTML must be what the sanitiser allows today, and a
frozen copy of the sanitiser would be a second one to keep safe.

Only rows that hold such characters are read (a regular expression in the database), so
the migration costs little on a large site.
"""

import re
from urllib.parse import quote

from django.conf import settings
from django.db import migrations
from django.db.models import F

from board import markup

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
CONTROL = re.compile(f"[{_CONTROL}]")
LINE_BREAKS = re.compile(r"[\t\n\r]")
URL_UNSAFE = re.compile(r"[\"'<>`\s]")
IMG_SRC = re.compile(r'<img\b[^>]*\ssrc="([^"]*)"')
UNTITLED = "(제목 없음)"


def has_control(connection, *, line_breaks=False):
    """A pattern for `__regex` finding the rows to clean (PostgreSQL text never holds NUL
    and refuses it in a pattern)."""
    first = "\x01" if connection.vendor == "postgresql" else "\x00"
    characters = first + _CONTROL[1:]
    if line_breaks:
        characters += "\t\n\r"
    return f"[{characters}]"


def multi_line(text):
    return CONTROL.sub("", text)


def one_line(text):
    return " ".join(CONTROL.sub("", LINE_BREAKS.sub(" ", text)).split())


def clean_url(text):
    text = CONTROL.sub("", LINE_BREAKS.sub("", text)).strip()
    return URL_UNSAFE.sub(lambda match: quote(match.group(0), safe=""), text)


def clean_rows(model, fields, pattern, **cleaners):
    """Apply each field's cleaner to the rows where any of `fields` matches `pattern`."""
    matching = model.objects.none()
    for field in fields:
        matching = matching | model.objects.filter(**{f"{field}__regex": pattern})
    for row in matching.distinct().values("pk", *cleaners):
        changes = {field: clean(row[field]) for field, clean in cleaners.items()}
        changes = {field: value for field, value in changes.items() if value != row[field]}
        if changes:
            model.objects.filter(pk=row["pk"]).update(**changes)


def shows_a_refused_picture(body_html):
    return any(not markup.is_allowed_image_src(src) for src in IMG_SRC.findall(body_html))


def clean_posts(apps, connection):
    Post = apps.get_model("board", "Post")
    control = has_control(connection)
    url_unsafe = r"[\"'<>`[:space:]]" if connection.vendor == "postgresql" else URL_UNSAFE.pattern
    dirty = (
        Post.objects.filter(title__regex=has_control(connection, line_breaks=True))
        | Post.objects.filter(body__regex=control)
        | Post.objects.filter(body_html__regex=control)
        | Post.objects.filter(excerpt__regex=control)
        | Post.objects.filter(source_url__regex=control)
        | Post.objects.filter(source_url__regex=url_unsafe)
    )
    ids = set(dirty.values_list("pk", flat=True))
    for pk, body_html in Post.objects.filter(body_html__contains="<img").values_list("pk", "body_html").iterator():
        if shows_a_refused_picture(body_html):
            ids.add(pk)
    for post in Post.objects.filter(pk__in=ids).only("title", "body", "source_url").iterator():
        body = multi_line(post.body)
        body_html = markup.render_post(body)
        Post.objects.filter(pk=post.pk).update(
            title=one_line(post.title)[:200] or UNTITLED,
            body=body,
            body_html=body_html,
            excerpt=markup.excerpt_from_html(body_html, settings.BOARD_EXCERPT_LENGTH),
            source_url=clean_url(post.source_url)[:500],
        )


def clean_comments(apps, connection):
    Comment = apps.get_model("board", "Comment")
    control = has_control(connection)
    dirty = Comment.objects.filter(body__regex=control) | Comment.objects.filter(body_html__regex=control)
    for comment in dirty.only("body").iterator():
        body = multi_line(comment.body)
        Comment.objects.filter(pk=comment.pk).update(body=body, body_html=markup.render_comment(body))


def clean_tags(apps, connection):
    """A tag whose clean name another tag already has is merged into it; a tag left with
    no name goes, with its taggings."""
    Tag = apps.get_model("taggit", "Tag")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    for tag in Tag.objects.filter(name__regex=has_control(connection, line_breaks=True)).order_by("pk"):
        name = one_line(tag.name)
        if name == tag.name:
            continue
        same = Tag.objects.filter(name=name).exclude(pk=tag.pk).first() if name else None
        if not name:
            tag.delete()
        elif same is None:
            Tag.objects.filter(pk=tag.pk).update(name=name)
        else:
            for item in TaggedItem.objects.filter(tag=tag):
                duplicate = TaggedItem.objects.filter(
                    tag=same, content_type_id=item.content_type_id, object_id=item.object_id
                ).exists()
                if duplicate:
                    item.delete()
                else:
                    TaggedItem.objects.filter(pk=item.pk).update(tag=same)
            tag.delete()


def clean_search_terms(apps, connection):
    """인기검색어: a cleaned term that already has a row that day adds its count there."""
    SearchTerm = apps.get_model("board", "SearchTerm")
    for term in SearchTerm.objects.filter(term__regex=has_control(connection, line_breaks=True)).order_by("pk"):
        text = one_line(term.term)
        same = SearchTerm.objects.filter(day=term.day, term=text).exclude(pk=term.pk) if text else None
        if same is not None and same.exists():
            same.update(count=F("count") + term.count)
            term.delete()
        elif text:
            SearchTerm.objects.filter(pk=term.pk).update(term=text)
        else:
            term.delete()


def clean(apps, schema_editor):
    connection = schema_editor.connection
    clean_posts(apps, connection)
    clean_comments(apps, connection)
    clean_tags(apps, connection)
    clean_search_terms(apps, connection)
    single = has_control(connection, line_breaks=True)
    control = has_control(connection)
    clean_rows(apps.get_model("board", "Report"), ["detail"], control, detail=multi_line)
    ModerationLog = apps.get_model("board", "ModerationLog")
    clean_rows(ModerationLog, ["reason", "target_title"], single, reason=one_line, target_title=one_line)
    clean_rows(apps.get_model("board", "Board"), ["name", "description"], single, name=one_line, description=one_line)


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0011_post_author_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop, elidable=True)]

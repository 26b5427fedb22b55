"""Writes that touch counters or several rows. Each runs in one transaction and moves
counters with F() expressions, so concurrent requests never lose an update."""

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import markup, search
from .models import Board, Comment, Post, PostImage, PostVote


def create_post(*, board, author, title, body, tags=(), source_url="", images=(), is_notice=False, created_at=None):
    with transaction.atomic():
        post = Post(
            board=board,
            author=author,
            title=title,
            body=body,
            source_url=source_url,
            is_notice=is_notice,
            created_at=created_at or timezone.now(),
        )
        post.save()
        if images:
            _attach_images(post, images)
        if tags:
            post.tags.add(*tags)
        Board.objects.filter(pk=board.pk).update(post_count=F("post_count") + 1)
        search.index_posts([post])
    return post


def edit_post(*, post, title, body, tags, source_url, images=()):
    """The author's edit: creation time kept, 수정됨 time set, body rendered again."""
    with transaction.atomic():
        post.title, post.body, post.source_url = title, body, source_url
        post.edited_at = timezone.now()
        post.save()
        if images:
            _attach_images(post, images)
        post.tags.set(tags, clear=False)
        search.index_posts([post])
    return post


def delete_post(*, post):
    """Soft delete: gone from every list and page, comments kept in the database."""
    with transaction.atomic():
        changed = Post.objects.filter(pk=post.pk, is_deleted=False).update(is_deleted=True)
        if changed and not post.is_hidden:
            Board.objects.filter(pk=post.board_id).update(post_count=F("post_count") - 1)
        post.is_deleted = True
        search.index_posts([post])
    return bool(changed)


def _attach_images(post, prepared_images):
    """Store the pictures and put each where the writer wrote [이미지N], or after the text."""
    stored = [
        PostImage.objects.create(
            post=post, image=item.display, thumbnail=item.thumbnail, original_name=item.original_name
        )
        for item in prepared_images
    ]
    post.body = markup.place_images(post.body, [(img.original_name, img.image.url) for img in stored])
    if not post.thumbnail_url:
        post.thumbnail_url = stored[0].thumbnail.url
    post.save()


def hide_post(*, post):
    """Take a post off every list and page. Returns False if it was already hidden."""
    with transaction.atomic():
        # The conditional UPDATE decides, so two moderators clicking at once count once.
        changed = Post.objects.filter(pk=post.pk, is_hidden=False).update(is_hidden=True)
        if changed and not post.is_deleted:
            Board.objects.filter(pk=post.board_id).update(post_count=F("post_count") - 1)
        post.is_hidden = True
        search.index_posts([post])
    return bool(changed)


def add_comment(*, post, author, body, parent=None, created_at=None):
    # Replies stay one level deep: answering a reply answers its parent's thread.
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent
    with transaction.atomic():
        comment = Comment(post=post, author=author, body=body, parent=parent, created_at=created_at or timezone.now())
        comment.save()
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        search.index_comments([comment])
    return comment


def edit_comment(*, comment, body):
    with transaction.atomic():
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        search.index_comments([comment])
    return comment


def delete_comment(*, comment):
    """Soft delete: replies keep their place under a "삭제된 댓글입니다" placeholder."""
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, is_deleted=False).update(is_deleted=True)
        if changed and not comment.is_hidden:
            Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)
        comment.is_deleted = True
        search.index_comments([comment])
    return bool(changed)


VOTE_COUNTER = {PostVote.UP: "upvote_count", PostVote.DOWN: "downvote_count"}


def cast_vote(*, user, post, value):
    """추천/비추천 as Korean boards do it: the same vote again cancels, the other one switches.

    Returns the member's vote afterwards (1, -1 or None). The vote row and the counters
    change in one transaction; the unique constraint settles a double click.
    """
    try:
        with transaction.atomic():
            existing = PostVote.objects.select_for_update().filter(user=user, post=post).first()
            if existing is None:
                PostVote.objects.create(user=user, post=post, value=value)
                changes, result = {VOTE_COUNTER[value]: F(VOTE_COUNTER[value]) + 1}, value
            elif existing.value == value:
                existing.delete()
                changes, result = {VOTE_COUNTER[value]: F(VOTE_COUNTER[value]) - 1}, None
            else:
                PostVote.objects.filter(pk=existing.pk).update(value=value)
                changes = {
                    VOTE_COUNTER[value]: F(VOTE_COUNTER[value]) + 1,
                    VOTE_COUNTER[existing.value]: F(VOTE_COUNTER[existing.value]) - 1,
                }
                result = value
            Post.objects.filter(pk=post.pk).update(**changes)
    except IntegrityError:
        # A simultaneous request from the same member created the vote first: keep it.
        return PostVote.objects.filter(user=user, post=post).values_list("value", flat=True).first()
    return result


def count_view(*, post):
    """One more view, added in the database so concurrent readers never overwrite each other."""
    Post.objects.filter(pk=post.pk).update(view_count=F("view_count") + 1)
    post.view_count += 1  # what this page shows; the stored value is never written back


def _count_of(queryset, field):
    """A correlated COUNT for UPDATE ... SET counter = (SELECT COUNT(*) ...), 0 when none."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


def recount_counters(*, posts=None):
    """Set denormalised counters from the rows themselves (views are kept: no rows record them).

    Runs as a few set-based UPDATEs, so it stays fast at 100,000 posts.
    """
    posts = Post.objects.all() if posts is None else posts
    with transaction.atomic():
        posts.update(
            comment_count=_count_of(Comment.objects.visible(), "post"),
            upvote_count=_count_of(PostVote.objects.filter(value=PostVote.UP), "post"),
            downvote_count=_count_of(PostVote.objects.filter(value=PostVote.DOWN), "post"),
        )
        Board.objects.update(post_count=_count_of(Post.objects.visible(), "board"))


def record_search(query):
    """Count a search for 인기검색어: the normalised words only, nothing about the reader.

    One UPSERT (SQLite and PostgreSQL speak the same ON CONFLICT), so concurrent searches
    for the same words never lose a count.
    """
    from .models import SearchTerm

    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, term, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (day, term) DO UPDATE SET count = {table}.count + 1",
            [timezone.localdate(), " ".join(query.terms)[:100]],
        )

"""The import's writes: one transaction per batch, so a run stopped at any point leaves
whole batches behind, and the LegacyLink rows written in the same transaction tell the
next run where to go on.

Rows go in with bulk_create and the search index rows with them (bigrams made by the
converter); nothing calls Post.save(), whose rendering is not the importer's to rely on
(bodies are rendered by the pipeline, once).
"""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from board import services
from board.models import Comment, CommentSearch, LegacyLink, LegacyRecord, Post, PostImage, PostSearch, PostVote

BULK = 500
MODERATORS = "운영진"


def write_boards(board, link):
    with transaction.atomic():
        if board.pk is None:
            services.save_board(board=board)
        link.board = board
        link.save()


def write_members(users, links, *, staff):
    """Members, their LegacyLinks, and level-10 members in the 운영진 group."""
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=BULK)
        for link in links:
            link.user_id = link.user.pk
        LegacyLink.objects.bulk_create(links, batch_size=BULK)
        group = Group.objects.filter(name=MODERATORS).first()
        if group is not None and staff:
            Membership = User.groups.through
            Membership.objects.bulk_create(
                [Membership(user_id=user.pk, group_id=group.pk) for user in staff], batch_size=BULK
            )


def write_posts(drafts):
    """Posts with everything that hangs on them: links, pictures, records, search rows."""
    with transaction.atomic():
        Post.objects.bulk_create([d.post for d in drafts], batch_size=BULK)
        links, pictures, records, index = [], [], [], []
        for draft in drafts:
            post = draft.post
            draft.link.post_id = post.pk
            links.append(draft.link)
            for link in draft.file_links:
                link.post_id = post.pk
                links.append(link)
            for stored in draft.pictures:
                pictures.append(
                    PostImage(
                        post_id=post.pk,
                        image=stored.image,
                        thumbnail=stored.thumbnail,
                        width=stored.width,
                        height=stored.height,
                        original_name=stored.original_name or "이미지",
                    )
                )
            for record in draft.records:
                record.data["post_id"] = post.pk
                records.append(record)
            if not (post.is_hidden or post.is_deleted):
                index.append(
                    PostSearch(
                        post_id=post.pk, board_id=post.board_id, title_grams=draft.grams[0], body_grams=draft.grams[1]
                    )
                )
        LegacyLink.objects.bulk_create(links, batch_size=BULK, ignore_conflicts=True)
        PostImage.objects.bulk_create(pictures, batch_size=BULK)
        LegacyRecord.objects.bulk_create(records, batch_size=BULK, ignore_conflicts=True)
        PostSearch.objects.bulk_create(index, batch_size=BULK)


def write_comments(drafts):
    """Comments in two steps: those that start a thread, then the replies, whose parent
    (an id, or a draft of this batch that the first step gave an id) is then known."""
    with transaction.atomic():
        starters = [d for d in drafts if d.parent is None]
        Comment.objects.bulk_create([d.comment for d in starters], batch_size=BULK)
        replies = [d for d in drafts if d.parent is not None]
        for draft in replies:
            parent = draft.parent
            draft.comment.parent_id = parent if isinstance(parent, int) else parent.comment.pk
        Comment.objects.bulk_create([d.comment for d in replies], batch_size=BULK)
        links, index = [], []
        for draft in drafts:
            comment = draft.comment
            draft.link.comment_id = comment.pk
            links.append(draft.link)
            if comment.is_visible:
                index.append(CommentSearch(comment_id=comment.pk, post_id=comment.post_id, grams=draft.grams))
        LegacyLink.objects.bulk_create(links, batch_size=BULK)
        CommentSearch.objects.bulk_create(index, batch_size=BULK)


def write_votes(votes):
    with transaction.atomic():
        PostVote.objects.bulk_create(votes, batch_size=BULK)


def write_records(records):
    with transaction.atomic():
        LegacyRecord.objects.bulk_create(records, batch_size=BULK, ignore_conflicts=True)

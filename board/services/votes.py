"""추천/비추천 on posts, 추천 on comments."""

from django.db import IntegrityError, transaction
from django.db.models import F

from .. import invalidation
from ..models import Comment, CommentVote, Post, PostVote
from . import points

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
                ups = 1 if value == PostVote.UP else 0
            elif existing.value == value:
                existing.delete()
                changes, result = {VOTE_COUNTER[value]: F(VOTE_COUNTER[value]) - 1}, None
                ups = -1 if value == PostVote.UP else 0
            else:
                PostVote.objects.filter(pk=existing.pk).update(value=value)
                changes = {
                    VOTE_COUNTER[value]: F(VOTE_COUNTER[value]) + 1,
                    VOTE_COUNTER[existing.value]: F(VOTE_COUNTER[existing.value]) - 1,
                }
                result = value
                ups = 1 if value == PostVote.UP else -1
            # 추천 received earns the author points; a cancelled one takes them back.
            points.points_for_vote(post=post, change=ups)
            invalidation.post_counts_changed(post.pk, post.board.slug, voter_id=user.pk)
            Post.objects.filter(pk=post.pk).update(**changes)  # last: see add_comment
    except IntegrityError:
        # A simultaneous request from the same member created the vote first: keep it.
        return PostVote.objects.filter(user=user, post=post).values_list("value", flat=True).first()
    return result


def vote_comment(*, user, comment):
    """댓글 추천: the first press counts, the second cancels. Returns whether the member's
    추천 stands afterwards. The row and Comment.upvote_count change in one transaction; the
    unique constraint settles a double click."""
    with transaction.atomic():
        removed, _ = CommentVote.objects.filter(user=user, comment=comment).delete()
        if removed:
            change, voted = F("upvote_count") - 1, False
        else:
            try:
                with transaction.atomic():
                    CommentVote.objects.create(user=user, comment=comment)
            except IntegrityError:
                # The same member's simultaneous press created (and counted) it first.
                return True
            change, voted = F("upvote_count") + 1, True
        invalidation.comment_votes_changed(comment.post_id, voter_id=user.pk)
        Comment.objects.filter(pk=comment.pk).update(upvote_count=change)  # last: see add_comment
    return voted

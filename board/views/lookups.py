"""The board, post or comment a URL names, as this reader may see it, or a 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from config.precompiled import compiled_objects

from .. import permissions
from ..models import Board, Comment, Post


def get_board(slug):
    """The board, or a 404. Its SQL is compiled once (config/precompiled.py): every list page
    made again, and every form that writes to a board, asks for it."""
    found = compiled_objects("board-by-slug", lambda slug: Board.objects.filter(slug=slug), [slug])
    if not found:
        raise Http404("No Board matches the given query.")
    return found[0]


def get_post(slug, post_id, user=None):
    """The post, or a 404 when its board or id is unknown, it is deleted, or it is hidden from
    this reader (운영진 also see hidden posts, marked 숨김). Its SQL is compiled once
    (config/precompiled.py): every article made again, comment and 추천 asks for it."""
    if not 0 < int(post_id) < 2**63:  # the ORM answers "no such post"; the database would refuse it
        raise Http404("No Post matches the given query.")
    include_hidden = permissions.can_moderate(user)
    found = compiled_objects(
        f"post-for-detail:{int(include_hidden)}",
        lambda pk: Post.objects.readable(include_hidden=include_hidden).for_detail().filter(pk=pk),
        [int(post_id)],
    )
    if not found or found[0].board.slug != slug:
        raise Http404("No Post matches the given query.")
    return found[0]


def get_comment(comment_id, user=None):
    """The comment, if this reader may see it and its post (운영진: hidden ones too).

    A deleted or hidden comment is a 404 like an id that never existed, so a guessed id
    tells nothing; only visible comments of others get the 403 of a refusal."""
    comments = Comment.objects.readable(include_hidden=permissions.can_moderate(user)).select_related("post__board")
    return get_object_or_404(comments, pk=comment_id)

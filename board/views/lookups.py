"""The post or comment a URL names, as this reader may see it, or a 404."""

from django.shortcuts import get_object_or_404

from .. import permissions
from ..models import Comment, Post


def get_post(slug, post_id, user=None):
    """The post, or a 404 when its board or id is unknown, it is deleted, or it is hidden from
    this reader (운영진 also see hidden posts, marked 숨김)."""
    posts = Post.objects.readable(include_hidden=permissions.can_moderate(user)).for_detail()
    return get_object_or_404(posts, board__slug=slug, pk=post_id)


def get_comment(comment_id, user=None):
    """The comment, if this reader may see it and its post (운영진: hidden ones too).

    A deleted or hidden comment is a 404 like an id that never existed, so a guessed id
    tells nothing; only visible comments of others get the 403 of a refusal."""
    comments = Comment.objects.readable(include_hidden=permissions.can_moderate(user)).select_related("post__board")
    return get_object_or_404(comments, pk=comment_id)

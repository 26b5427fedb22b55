"""추천/비추천 on posts, 추천 on comments: a form post (then back to the article) or, with
JavaScript, JSON."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .. import permissions, services
from ..models import Comment, Post, PostVote
from ..ratelimit import rate_limited, wants_json
from .lookups import get_comment, get_post
from .reading import check_read_level, render_article

VOTE_VALUES = {"up": PostVote.UP, "down": PostVote.DOWN}


@require_POST
@login_required
@rate_limited("vote")
def vote(request, slug, post_id):
    post = get_post(slug, post_id)
    check_read_level(request.user, post.board)
    value = VOTE_VALUES.get(request.POST.get("value", ""))
    refusal = (
        "추천 또는 비추천을 골라 주세요." if value is None else permissions.vote_refusal(request.user, post, value)
    )
    if refusal:
        status = 400 if value is None else 403
        if wants_json(request):
            return JsonResponse({"error": refusal}, status=status)
        return render_article(request, post, status=status, error=refusal)
    my_vote = services.cast_vote(user=request.user, post=post, value=value)
    if wants_json(request):
        counts = Post.objects.filter(pk=post.pk).values("upvote_count", "downvote_count").get()
        return JsonResponse(
            {"upvotes": counts["upvote_count"], "downvotes": counts["downvote_count"], "my_vote": my_vote or 0}
        )
    return redirect(f"{post.get_absolute_url()}#vote")


@require_POST
@login_required
@rate_limited("comment_vote")
def comment_vote(request, comment_id):
    """댓글 추천: pressed again, it cancels. Not on one's own comment (a Korean refusal)."""
    comment = get_comment(comment_id, request.user)
    refusal = permissions.comment_vote_refusal(request.user, comment)
    if refusal:
        if wants_json(request):
            return JsonResponse({"error": refusal}, status=403)
        return render_article(request, comment.post, status=403, error=refusal)
    voted = services.vote_comment(user=request.user, comment=comment)
    if wants_json(request):
        count = Comment.objects.filter(pk=comment.pk).values_list("upvote_count", flat=True).get()
        return JsonResponse({"upvotes": count, "voted": voted})
    return redirect(comment)

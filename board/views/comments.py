"""Comments: writing, editing and deleting one (deleting asks first), and the link to a
comment, which lands on the page of the article's comments it is on."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import confirmation

from .. import permissions, services
from ..forms import CommentForm
from ..models import Comment
from ..ratelimit import RateLimited, counted_write
from .lookups import get_comment, get_post
from .reading import check_read_level, render_article


def comment_page_url(comment, *, show_hidden=False):
    """The article's address at the comment page showing `comment`, with #c<id>."""
    page = Comment.objects.position_of(comment, show_hidden=show_hidden) // settings.BOARD_COMMENTS_PER_PAGE + 1
    query = f"?cpage={page}" if page > 1 else ""
    return f"{comment.post.get_absolute_url()}{query}#c{comment.pk}"


def comment_link(request, comment_id):
    """Comment.get_absolute_url(): every link to a comment (the sidebar, 새댓글, profiles,
    마이메뉴) comes here and is sent to the right page of a long thread."""
    comment = get_comment(comment_id, request.user)
    return redirect(comment_page_url(comment, show_hidden=permissions.can_moderate(request.user)))


@require_POST
@login_required
def comment_create(request, slug, post_id):
    post = get_post(slug, post_id)
    check_read_level(request.user, post.board)
    if permissions.needs_email_confirmation(request.user):
        return confirmation.refusal(request)
    if not permissions.offers_commenting(request.user, post):
        raise PermissionDenied("댓글을 쓸 권한이 없습니다.")
    form = CommentForm(request.POST)
    refusal = permissions.level_refusal(request.user, post.board, "comment")
    if refusal:
        # The article again with the comment as typed and why (the box is on pages every
        # member shares, so it is shown to members below the level too).
        form.is_valid()
        form.add_error(None, refusal)
        return render_article(request, post, status=403, comment_form=form)
    parent = None
    if form.is_valid() and form.cleaned_data["parent"]:
        parent = Comment.objects.visible().filter(post=post, pk=form.cleaned_data["parent"]).first()
        if parent is None:
            form.add_error(None, "답글을 달 댓글이 없거나 삭제되었습니다.")
    if not form.is_valid():
        return render_article(request, post, status=400, comment_form=form)
    try:
        # Counted only once accepted: a refused comment never uses up the member's limit,
        # nor does the same form sent twice (its one-time key finds the first comment).
        with counted_write("comment", request.user.pk) as slot:
            comment = services.add_comment(
                post=post,
                author=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                submission_key=form.cleaned_data["submission_key"],
            )
            if comment.repeated:
                slot.give_back()
    except RateLimited as limited:
        form.add_error(None, f"{limited.message} 쓴 댓글은 아래에 그대로 있습니다.")
        response = render_article(request, post, status=429, comment_form=form)
        response["Retry-After"] = str(limited.wait)
        return response
    return redirect(comment_page_url(comment))


@login_required
def comment_edit(request, comment_id):
    comment = get_comment(comment_id, request.user)
    if not permissions.can_edit_comment(request.user, comment):
        raise PermissionDenied("댓글을 쓴 회원이나 운영진만 수정할 수 있습니다.")
    form = CommentForm(request.POST if request.method == "POST" else None, instance=comment)
    context = {"form": form, "comment": comment}
    if request.method == "POST":
        if form.is_valid():
            services.edit_comment(comment=comment, body=form.cleaned_data["body"])
            return redirect(comment_page_url(comment, show_hidden=permissions.can_moderate(request.user)))
        return render(request, "board/comment_form.html", context, status=400)
    return render(request, "board/comment_form.html", context)


@login_required
def comment_delete(request, comment_id):
    """삭제 asks first: GET shows the comment and a confirm button (works without
    JavaScript); the POST deletes."""
    comment = get_comment(comment_id, request.user)
    if not permissions.can_delete_comment(request.user, comment):
        raise PermissionDenied("댓글을 쓴 회원이나 운영진만 삭제할 수 있습니다.")
    back = comment_page_url(comment, show_hidden=permissions.can_moderate(request.user))
    if request.method != "POST":
        return render(request, "board/comment_confirm_delete.html", {"comment": comment, "back": back})
    services.delete_comment(comment=comment, moderator=request.user)
    messages.success(request, "댓글을 삭제했습니다.")
    return redirect(f"{back.split('#')[0]}#comments")

"""Writing: the post form (글쓰기, 수정, 미리보기), deleting a post, and comments."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import markup, permissions, services
from ..forms import CommentForm, PostForm
from ..models import Board, Comment
from ..ratelimit import rate_limited
from .lookups import get_comment, get_post
from .reading import render_article


@login_required
@rate_limited("post")
def post_write(request, slug):
    board = get_object_or_404(Board, slug=slug)
    if not permissions.can_write_post(request.user, board):
        raise PermissionDenied("이 게시판에 글을 쓸 권한이 없습니다.")
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if "preview" in request.POST:
            return render_post_form(request, board, form, preview=True)
        if form.is_valid():
            try:
                post = services.create_post(
                    board=board,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    tags=form.cleaned_data["tags_text"],
                    source_url=form.cleaned_data["source_url"],
                    images=form.cleaned_data["images"],
                    submission_key=form.cleaned_data["submission_key"],
                )
            except services.ImagesNotStored as failure:
                return images_not_stored(request, board, form, failure)
            if post.repeated:
                messages.info(request, "이미 등록한 글입니다. 같은 글을 두 번 올리지 않았습니다.")
            else:
                messages.success(request, "글을 등록했습니다.")
            return redirect(post)
        return render_post_form(request, board, form, status=400)
    return render_post_form(request, board, form)


@login_required
def post_edit(request, slug, post_id):
    post = get_post(slug, post_id)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied("글쓴이나 운영진만 글을 수정할 수 있습니다.")
    form = PostForm(request.POST or None, request.FILES or None, instance=post, existing_images=post.images.count())
    if request.method == "POST":
        if "preview" in request.POST:
            return render_post_form(request, post.board, form, post=post, preview=True)
        if form.is_valid():
            try:
                services.edit_post(
                    post=post,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    tags=form.cleaned_data["tags_text"],
                    source_url=form.cleaned_data["source_url"],
                    images=form.cleaned_data["images"],
                )
            except services.ImagesNotStored as failure:
                return images_not_stored(request, post.board, form, failure, post=post)
            messages.success(request, "글을 수정했습니다.")
            return redirect(post)
        post.refresh_from_db()
        return render_post_form(request, post.board, form, post=post, status=400)
    return render_post_form(request, post.board, form, post=post)


def render_post_form(request, board, form, *, post=None, preview=False, status=200):
    context = {"board": board, "form": form, "post": post}
    if preview:
        # Rendered by the same pipeline as on save, so the preview is exactly what is stored.
        body = form.data.get("body", "")
        context["preview_html"] = markup.render_post(body[: settings.BOARD_POST_MAX_LENGTH])
        context["preview_title"] = form.data.get("title", "")
    return render(request, "board/post_form.html", context, status=status)


def images_not_stored(request, board, form, failure, *, post=None):
    """The form again, as typed, when the pictures could not be stored: 507 Insufficient
    Storage for a full disk (the server's want of space, not the member's mistake: the same
    request succeeds once there is room), 503 when the store could not be reached."""
    undone = "글은 아직 수정되지 않았습니다." if post else "글은 아직 등록되지 않았습니다."
    if failure.out_of_space:
        problem, status = "저장 공간이 부족해 이미지를 올리지 못했습니다.", 507
    else:
        problem, status = "이미지 저장소에 문제가 있어 이미지를 올리지 못했습니다.", 503
    advice = "쓴 내용은 아래에 그대로 있습니다. 잠시 뒤 이미지를 다시 첨부해 보내거나, 이미지 없이 보내 주세요."
    messages.error(request, f"{problem} {undone} {advice}")
    return render_post_form(request, board, form, post=post, status=status)


@login_required
def post_delete(request, slug, post_id):
    post = get_post(slug, post_id)
    if not permissions.can_delete_post(request.user, post):
        raise PermissionDenied("글쓴이나 운영진만 글을 삭제할 수 있습니다.")
    if request.method == "POST":
        services.delete_post(post=post, moderator=request.user)
        messages.success(request, "글을 삭제했습니다.")
        return redirect(post.board)
    return render(request, "board/post_confirm_delete.html", {"board": post.board, "post": post})


@require_POST
@login_required
@rate_limited("comment")
def comment_create(request, slug, post_id):
    post = get_post(slug, post_id)
    if not permissions.can_comment(request.user, post):
        raise PermissionDenied("댓글을 쓸 권한이 없습니다.")
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid() and form.cleaned_data["parent"]:
        parent = Comment.objects.visible().filter(post=post, pk=form.cleaned_data["parent"]).first()
        if parent is None:
            form.add_error(None, "답글을 달 댓글이 없거나 삭제되었습니다.")
    if not form.is_valid():
        return render_article(request, post, status=400, comment_form=form)
    comment = services.add_comment(
        post=post,
        author=request.user,
        body=form.cleaned_data["body"],
        parent=parent,
        submission_key=form.cleaned_data["submission_key"],
    )
    return redirect(comment.get_absolute_url())


@login_required
def comment_edit(request, comment_id):
    comment = get_comment(comment_id, request.user)
    if not permissions.can_edit_comment(request.user, comment):
        raise PermissionDenied("댓글을 쓴 회원이나 운영진만 수정할 수 있습니다.")
    form = CommentForm(request.POST or None, instance=comment)
    if request.method == "POST":
        if form.is_valid():
            services.edit_comment(comment=comment, body=form.cleaned_data["body"])
            return redirect(comment.get_absolute_url())
        return render(request, "board/comment_form.html", {"form": form, "comment": comment}, status=400)
    return render(request, "board/comment_form.html", {"form": form, "comment": comment})


@require_POST
@login_required
def comment_delete(request, comment_id):
    comment = get_comment(comment_id, request.user)
    if not permissions.can_delete_comment(request.user, comment):
        raise PermissionDenied("댓글을 쓴 회원이나 운영진만 삭제할 수 있습니다.")
    services.delete_comment(comment=comment, moderator=request.user)
    messages.success(request, "댓글을 삭제했습니다.")
    return redirect(f"{comment.post.get_absolute_url()}#comments")

"""Writing: the post form (글쓰기, 수정, 미리보기, the image list) and deleting a post.

The form makes round trips before it saves: 미리보기, moving or taking out a picture, and
a refusal (bad input, the posting limit) all come back with everything typed and every
picture chosen still there (pictures are kept as PendingImage rows of the member). Only an
accepted 등록하기 counts against the posting limit.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts import confirmation

from .. import markup, permissions, services
from ..forms import PostForm
from ..korean import josa
from ..models import PendingImage
from ..ratelimit import RateLimited, counted_write
from .lookups import get_board, get_post

PICTURE_VERBS = {"up", "down", "remove"}


@login_required
def post_write(request, slug):
    board = get_board(slug)
    if permissions.needs_email_confirmation(request.user):
        return confirmation.refusal(request)
    if not permissions.offers_writing(request.user, board):
        raise PermissionDenied("이 게시판에 글을 쓸 권한이 없습니다.")
    refusal = permissions.level_refusal(request.user, board, "write")
    if refusal:
        raise PermissionDenied(refusal)
    if request.method != "POST":
        return render_post_form(request, PostForm(board=board, owner=request.user), board=board)
    form = PostForm(request.POST.copy(), request.FILES, board=board, owner=request.user)
    return submitted(request, form, board=board)


@login_required
def post_edit(request, slug, post_id):
    post = get_post(slug, post_id)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied("글쓴이나 운영진만 글을 수정할 수 있습니다.")
    if request.method != "POST":
        form = PostForm(instance=post, board=post.board, owner=request.user)
        return render_post_form(request, form, board=post.board, post=post)
    form = PostForm(request.POST.copy(), request.FILES, instance=post, board=post.board, owner=request.user)
    return submitted(request, form, board=post.board, post=post)


def submitted(request, form, *, board, post=None):
    """A POST of the post form: save it, or show it again (미리보기, an image-list button,
    a refusal) with the text as typed and the pictures kept."""
    valid = form.is_valid()
    previewing = "preview" in request.POST
    action = picture_action(request.POST)
    if valid and not previewing and action is None:
        try:
            saved = save(request, form, board=board, post=post)
        except RateLimited as limited:
            try:
                keep_pictures(request, form)
            except services.ImagesNotStored as failure:
                return images_not_stored(request, form, failure, board=board, post=post)
            response = render_post_form(request, form, board=board, post=post, status=429, limited=limited.message)
            response["Retry-After"] = str(limited.wait)
            return response
        except services.ImagesNotStored as failure:
            return images_not_stored(request, form, failure, board=board, post=post)
        if getattr(saved, "repeated", False):
            messages.info(request, "이미 등록한 글입니다. 같은 글을 두 번 올리지 않았습니다.")
        else:
            messages.success(request, "글을 수정했습니다." if post else "글을 등록했습니다.")
        return redirect(saved)
    try:
        keep_pictures(request, form)
    except services.ImagesNotStored as failure:
        return images_not_stored(request, form, failure, board=board, post=post)
    notice = apply_picture_action(request, form, action) if action else ""
    if post is not None:
        post.refresh_from_db()  # the form wrote the typed title into it; the page names the saved one
    status = 200 if previewing or action else 400
    return render_post_form(request, form, board=board, post=post, preview=previewing, notice=notice, status=status)


def save(request, form, *, board, post):
    data = form.cleaned_data
    fields = {
        "title": data["title"],
        "body": data["body"],
        "tags": data["tags_text"],
        "source_url": data["source_url"],
        "images": data["images"],
        "pictures": data["attached"],
        "category": data.get("category"),
        "files": data["files"],
    }
    if post is not None:
        return services.edit_post(post=post, kept_files=form.kept_files(), **fields)
    # Counted only now: a preview or a refused form never uses up the member's limit, nor
    # does the same form sent twice (the one-time key finds the first post).
    with counted_write("post", request.user.pk) as slot:
        created = services.create_post(
            board=board, author=request.user, submission_key=data["submission_key"], **fields
        )
        if created.repeated:
            slot.give_back()
    return created


def keep_pictures(request, form):
    """The pictures of the form from now on: those it named, then the files chosen with this
    request, stored as the member's pending pictures (so neither a preview nor a refusal
    asks for them again)."""
    cleaned = getattr(form, "cleaned_data", {})
    pictures = list(cleaned.get("attached", []))
    pictures += services.keep_pending_images(owner=request.user, prepared_images=cleaned.get("images") or [])
    form.pictures = pictures
    form.data["attached"] = ",".join(picture.token for picture in pictures)


def picture_action(data):
    """("up" | "down" | "remove", token) from an image-list button, or None."""
    verb, _, token = (data.get("picture") or "").partition(":")
    return (verb, token) if verb in PICTURE_VERBS else None


def apply_picture_action(request, form, action):
    """Move a picture one place or take it out; returns what to tell the member.

    [이미지N] names a place in the text: moving a picture puts it in another place, and
    taking one out removes its placeholder and renumbers the rest, which keep theirs."""
    verb, token = action
    pictures = form.pictures
    tokens = [picture.token for picture in pictures]
    if token not in tokens:
        return ""
    index = tokens.index(token)
    if verb == "remove":
        removed = pictures.pop(index)
        form.data["body"] = markup.renumber_placeholders(form.data.get("body", ""), index + 1)
        if isinstance(removed, PendingImage):
            services.discard_pending_image(owner=request.user, pending=removed)
        notice = f"이미지를 뺐습니다: {removed.original_name}."
    else:
        other = index - 1 if verb == "up" else index + 1
        if not 0 <= other < len(pictures):
            return ""
        pictures[index], pictures[other] = pictures[other], pictures[index]
        notice = f"이미지 순서를 바꿨습니다: [이미지{other + 1}]은 이제 {pictures[other].original_name}입니다."
    form.data["attached"] = ",".join(picture.token for picture in pictures)
    saving = "수정하기" if form.instance.pk else "등록하기"
    return f"{notice} {saving}를 눌러야 저장됩니다."


def render_post_form(request, form, *, board, post=None, preview=False, notice="", limited="", status=200):
    if not hasattr(form, "pictures"):
        form.pictures = list(post.images.all()) if post is not None else []
    action = (
        reverse("board:post_edit", args=[board.slug, post.pk])
        if post
        else reverse("board:post_write", args=[board.slug])
    )
    context = {
        "board": board,
        "form": form,
        "post": post,
        "form_action": action,
        "pictures": form.pictures,
        "notice": notice,
        "limited": limited,
        "attachments": list(post.attachments.all()) if post is not None else [],
    }
    if preview:
        # Rendered by the same pipeline as on save, pictures in their places, so the preview
        # is exactly what will be stored.
        body = (form.data.get("body") or "")[: form.fields["body"].widget.attrs["maxlength"]]
        context["preview_html"] = markup.render_post(services.place_pictures(body, form.pictures))
        context["preview_title"] = form.data.get("title", "")
    return render(request, "board/post_form.html", context, status=status)


def images_not_stored(request, form, failure, *, board, post=None):
    """The form again, as typed, when the pictures could not be stored: 507 Insufficient
    Storage for a full disk (the server's want of space, not the member's mistake: the same
    request succeeds once there is room), 503 when the store could not be reached. The
    pictures kept before stay in the form; the files of this request are not kept."""
    form.pictures = list(getattr(form, "cleaned_data", {}).get("attached", []))
    form.data["attached"] = ",".join(picture.token for picture in form.pictures)
    if post is not None:
        post.refresh_from_db()
    undone = "글은 아직 수정되지 않았습니다." if post else "글은 아직 등록되지 않았습니다."
    what, objects = failure.what, josa(failure.what, "을")  # 이미지를, 파일을
    if failure.out_of_space:
        problem, status = f"저장 공간이 부족해 {objects} 올리지 못했습니다.", 507
    else:
        problem, status = f"{what} 저장소에 문제가 있어 {objects} 올리지 못했습니다.", 503
    advice = f"쓴 내용은 아래에 그대로 있습니다. 잠시 뒤 {objects} 다시 첨부해 보내거나, {what} 없이 보내 주세요."
    messages.error(request, f"{problem} {undone} {advice}")
    return render_post_form(request, form, board=board, post=post, status=status)


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

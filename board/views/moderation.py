"""운영진 on the site: hide, restore and pin from the article page, hide a comment, and the
public moderation log (/modlog/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import permissions, services
from ..forms import CommentModerationForm, ModerationForm
from ..models import ModerationLog
from ..pagination import Pager, parse_page_number
from .lookups import get_comment, get_post
from .reading import render_article

MODLOG_PAGE_SIZE = 30


@require_POST
@login_required
def post_moderate(request, slug, post_id):
    """숨기기/복원/공지 from the article page, for 운영진 only."""
    if not permissions.can_moderate(request.user):
        raise PermissionDenied("운영진만 할 수 있는 작업입니다.")
    post = get_post(slug, post_id, request.user)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        error = form.errors["reason"][0] if "reason" in form.errors else "알 수 없는 운영 작업입니다."
        return render_article(request, post, status=400, error=error)
    action, reason, moderator = form.cleaned_data["action"], form.cleaned_data["reason"], request.user
    if action == "hide":
        services.hide_post(post=post, moderator=moderator, reason=reason)
        messages.success(request, "글을 숨겼습니다. 일반 회원에게는 보이지 않습니다.")
    elif action == "restore":
        services.restore_post(post=post, moderator=moderator, reason=reason)
        messages.success(request, "글을 복원했습니다.")
    else:
        services.set_notice(post=post, moderator=moderator, pinned=action == "pin", reason=reason)
        messages.success(request, "공지로 지정했습니다." if action == "pin" else "공지를 해제했습니다.")
    return redirect(post)


@require_POST
@login_required
def comment_moderate(request, comment_id):
    if not permissions.can_moderate(request.user):
        raise PermissionDenied("운영진만 할 수 있는 작업입니다.")
    comment = get_comment(comment_id, request.user)
    form = CommentModerationForm(request.POST)
    if not form.is_valid():
        error = form.errors["reason"][0] if "reason" in form.errors else "알 수 없는 운영 작업입니다."
        return render_article(request, comment.post, status=400, error=error)
    services.set_comment_hidden(
        comment=comment,
        moderator=request.user,
        hidden=form.cleaned_data["action"] == "hide",
        reason=form.cleaned_data["reason"],
    )
    return redirect(comment.get_absolute_url())


def moderation_log(request):
    """/modlog/: every moderation action, public, as Lobsters does."""
    logs = ModerationLog.objects.newest_first()
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), logs.count(), MODLOG_PAGE_SIZE)
    entries = list(logs[pager.offset : pager.offset + MODLOG_PAGE_SIZE])
    return render(request, "board/moderation_log.html", {"entries": entries, "pager": pager})

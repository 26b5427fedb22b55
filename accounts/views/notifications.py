"""알림: the list (one query for the page, whatever kinds it holds), opening one, 모두 읽음,
and which kinds a member receives."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from board.pagination import Pager, parse_page_number

from .. import notifying
from ..forms import NotificationSettingsForm
from ..models import Notification


@login_required
def notification_list(request):
    per_page = settings.BOARD_MESSAGES_PER_PAGE
    mine = Notification.objects.of(request.user)
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), mine.count(), per_page)
    items = list(mine.for_list()[pager.offset : pager.offset + per_page])
    return render(request, "accounts/notifications.html", {"items": items, "pager": pager})


def target_of(notification):
    """Where a notification leads: the 쪽지, the comment (its page of the thread), the post."""
    if notification.message_id is not None:
        return reverse("accounts:message_detail", args=[notification.message_id])
    if notification.comment_id is not None:
        return reverse("board:comment", args=[notification.comment_id])
    if notification.post_id is not None:
        return notification.post.get_absolute_url()
    if notification.kind == Notification.MESSAGE:
        return reverse("accounts:messages")
    return reverse("accounts:notifications")


@login_required
@require_POST
def open_notification(request, pk):
    notification = get_object_or_404(Notification.objects.select_related("post__board"), pk=pk, recipient=request.user)
    notifying.mark_notification_read(user=request.user, notification=notification)
    return redirect(target_of(notification))


@login_required
@require_POST
def read_all(request):
    notifying.mark_all_notifications_read(user=request.user)
    messages.success(request, "알림을 모두 읽음으로 표시했습니다.")
    return redirect("accounts:notifications")


@login_required
@require_POST
def notification_settings(request):
    form = NotificationSettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "알림 설정을 저장하지 못했습니다. 다시 골라 주세요.")
        return redirect("accounts:me")
    received = set(form.cleaned_data["kinds"])
    notifying.set_muted_notifications(user=request.user, kinds=[k for k in Notification.KINDS if k not in received])
    messages.success(request, "알림 설정을 저장했습니다.")
    return redirect("accounts:me")

"""쪽지: 받은 쪽지함, 보낸 쪽지함, reading one, writing, deleting from one's own box, 차단 and
신고. A member only ever reaches their own messages: any other id is a 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from board.pagination import Pager, parse_page_number
from board.ratelimit import RateLimited, counted_write

from .. import messaging
from ..forms import BlockForm, MessageForm, MessageReportForm
from ..models import Message, MessageBlock, User


def _box(request, messages_of, template, box):
    per_page = settings.BOARD_MESSAGES_PER_PAGE
    mine = messages_of(request.user)
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), mine.count(), per_page)
    items = list(mine.for_box()[pager.offset : pager.offset + per_page])
    return render(request, template, {"items": items, "pager": pager, "box": box})


@login_required
def inbox(request):
    return _box(request, Message.objects.inbox_of, "accounts/message_box.html", "inbox")


@login_required
def sent(request):
    return _box(request, Message.objects.sent_by, "accounts/message_box.html", "sent")


def _own_message(user, pk):
    """The message if it is in one of this member's boxes (not deleted from it), else 404."""
    mine = Q(recipient=user, recipient_deleted=False) | Q(sender=user, sender_deleted=False)
    return get_object_or_404(Message.objects.select_related("sender", "recipient").filter(mine), pk=pk)


@login_required
def message_detail(request, pk):
    message = _own_message(request.user, pk)
    received = message.recipient_id == request.user.pk
    if received:
        messaging.read_message(user=request.user, message=message)
    other = message.sender if received else message.recipient
    blocked = received and MessageBlock.objects.filter(blocker=request.user, blocked=other).exists()
    return render(
        request,
        "accounts/message_detail.html",
        {"message": message, "received": received, "other": other, "blocked": blocked},
    )


@login_required
def compose(request):
    if request.method != "POST":
        initial = {"to": request.GET.get("to", "")[:20]}
        return render(request, "accounts/message_form.html", {"form": MessageForm(initial=initial)})
    form = MessageForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/message_form.html", {"form": form}, status=400)
    recipient = form.cleaned_data["to"]
    if reason := messaging.refusal_for(sender=request.user, recipient=recipient):
        form.add_error(None, reason)
        return render(request, "accounts/message_form.html", {"form": form}, status=403)
    try:
        with counted_write("message", request.user.pk):
            messaging.send_message(sender=request.user, recipient=recipient, body=form.cleaned_data["body"])
    except RateLimited as limited:
        form.add_error(None, limited.message)
        response = render(request, "accounts/message_form.html", {"form": form}, status=429)
        response["Retry-After"] = str(limited.wait)
        return response
    except messaging.MessageRefused as refused:  # blocked between the check and the send
        form.add_error(None, refused.message)
        return render(request, "accounts/message_form.html", {"form": form}, status=403)
    messages.success(request, f"{recipient.display_name}님에게 쪽지를 보냈습니다.")
    return redirect("accounts:messages_sent")


@login_required
@require_POST
def delete(request, pk):
    message = _own_message(request.user, pk)
    received = message.recipient_id == request.user.pk
    messaging.delete_message(user=request.user, message=message)
    messages.success(request, "쪽지를 삭제했습니다. 상대방의 쪽지함에는 그대로 남습니다.")
    return redirect("accounts:messages" if received else "accounts:messages_sent")


@login_required
def report(request, pk):
    message = _own_message(request.user, pk)
    if message.recipient_id != request.user.pk:
        raise Http404  # only the recipient reports a 쪽지
    form = MessageReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                messaging.report_message(user=request.user, message=message, reason=form.cleaned_data["reason"])
            except messaging.AlreadyReported:
                messages.info(request, "이미 신고한 쪽지입니다.")
            else:
                messages.success(request, "신고했습니다. 운영진이 이 쪽지를 확인합니다.")
            return redirect("accounts:message_detail", pk=message.pk)
        return render(request, "accounts/message_report.html", {"form": form, "message": message}, status=400)
    return render(request, "accounts/message_report.html", {"form": form, "message": message})


def blocked_message(member):
    return f"{member.display_name}님을 차단했습니다. 이제 회원님에게 쪽지를 보낼 수 없습니다."


@login_required
def blocks(request):
    form = BlockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            blocked = form.cleaned_data["nickname"]
            if blocked.pk == request.user.pk:
                form.add_error("nickname", "자기 자신은 차단할 수 없습니다.")
            else:
                messaging.block_member(blocker=request.user, blocked=blocked)
                messages.success(request, blocked_message(blocked))
                return redirect("accounts:blocks")
    listed = MessageBlock.objects.filter(blocker=request.user).select_related("blocked").order_by("-id")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/message_blocks.html", {"form": form, "blocks": listed}, status=status)


@login_required
@require_POST
def block_sender(request, pk):
    """차단 from a received message: its sender."""
    message = _own_message(request.user, pk)
    if message.recipient_id != request.user.pk:
        raise Http404
    messaging.block_member(blocker=request.user, blocked=message.sender)
    messages.success(request, blocked_message(message.sender))
    return redirect("accounts:message_detail", pk=message.pk)


@login_required
@require_POST
def unblock(request, user_id):
    member = get_object_or_404(User, pk=user_id)
    if messaging.unblock_member(blocker=request.user, blocked_id=member.pk):
        messages.success(request, f"{member.display_name}님의 차단을 풀었습니다.")
    return redirect("accounts:blocks")

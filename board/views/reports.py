"""신고: a member reports a post or a comment to 운영진, once per item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from .. import permissions, services
from ..forms import ReportForm
from ..models import Report
from .lookups import get_comment, get_post

ALREADY_REPORTED = "이미 신고하셨습니다. 운영진이 확인하고 있습니다."


@login_required
def report_post(request, slug, post_id):
    post = get_post(slug, post_id)
    return report(request, post=post, target_title=post.title, back=post.get_absolute_url())


@login_required
def report_comment(request, comment_id):
    comment = get_comment(comment_id)
    if not comment.is_visible:
        raise Http404
    return report(request, comment=comment, target_title=f"댓글: {comment.excerpt}", back=comment.get_absolute_url())


def report(request, *, target_title, back, post=None, comment=None):
    target = post or comment
    refusal = permissions.report_refusal(request.user, target)
    if refusal:
        raise PermissionDenied(refusal)
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "target_title": target_title, "back": back}
    if Report.objects.filter(reporter=request.user, post=post, comment=comment).exists():
        # Said before the member fills in the form again, not after.
        context.update(form=None, error=ALREADY_REPORTED)
        return render(request, "board/report_form.html", context, status=409 if request.method == "POST" else 200)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "board/report_form.html", context, status=400)
        try:
            services.report_item(
                reporter=request.user,
                post=post,
                comment=comment,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )
        except services.AlreadyReported:
            context.update(form=None, error=ALREADY_REPORTED)
            return render(request, "board/report_form.html", context, status=409)
        messages.success(request, "신고를 접수했습니다. 운영진이 확인하겠습니다.")
        return redirect(back)
    return render(request, "board/report_form.html", context)

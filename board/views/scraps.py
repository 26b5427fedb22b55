"""스크랩: keeping a post with a memo (a page of its own, reached from the article's 스크랩
link, so the shared article needs no member slot for it), and 마이메뉴 → 스크랩."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import services
from ..forms import ScrapForm
from ..models import Scrap
from ..pagination import Pager, parse_page_number
from ..ratelimit import RateLimited, counted_write
from .lookups import get_post


@login_required
def scrap_post(request, slug, post_id):
    """The scrap form of one post: GET shows it (with the memo of the member's scrap, if
    any), POST keeps the post or changes the memo."""
    post = get_post(slug, post_id, request.user)
    scrap = Scrap.objects.of_member(request.user).filter(post=post).first()
    if request.method != "POST":
        form = ScrapForm(initial={"memo": scrap.memo if scrap else ""})
        return render_scrap_form(request, post, scrap, form)
    form = ScrapForm(request.POST)
    if not form.is_valid():
        return render_scrap_form(request, post, scrap, form, status=400)
    try:
        with counted_write("scrap", request.user.pk):
            saved = services.save_scrap(user=request.user, post=post, memo=form.cleaned_data["memo"])
    except RateLimited as limited:
        response = render_scrap_form(request, post, scrap, form, status=429, error=limited.message)
        response["Retry-After"] = str(limited.wait)
        return response
    messages.success(request, "스크랩했습니다." if saved.created else "스크랩 메모를 고쳤습니다.")
    return redirect("board:scraps")


def render_scrap_form(request, post, scrap, form, *, status=200, error=""):
    context = {"post": post, "board": post.board, "scrap": scrap, "form": form, "error": error}
    return render(request, "board/scrap_form.html", context, status=status)


@login_required
def scrap_list(request):
    """마이메뉴 → 스크랩, newest first. A post hidden or deleted since stays in the list,
    saying so, until the member removes it."""
    mine = Scrap.objects.of_member(request.user)
    per_page = settings.BOARD_SCRAPS_PER_PAGE
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), mine.count(), per_page)
    scraps = list(mine.for_list().newest_first()[pager.offset : pager.offset + per_page])
    return render(request, "board/scrap_list.html", {"scraps": scraps, "pager": pager})


@require_POST
@login_required
def scrap_delete(request, scrap_id):
    """Another member's scrap id is a 404, as one that never existed."""
    if not services.delete_scrap(user=request.user, scrap_id=scrap_id):
        raise Http404("스크랩을 찾을 수 없습니다.")
    messages.success(request, "스크랩을 지웠습니다.")
    page = parse_page_number(request.POST.get("page"))
    return redirect(reverse("board:scraps") + (f"?page={page}" if page > 1 else ""))

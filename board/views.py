import hashlib
import heapq
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import int_to_base36 as base36
from django.views.decorators.http import require_POST
from taggit.models import Tag

from . import markup, pagecache, permissions, search, services, viewcounts
from .forms import CommentForm, ModerationForm, PostForm, ReportForm
from .models import Board, Comment, ModerationLog, Post, PostVote, attach_tags
from .pagination import Pager, parse_page_number
from .ratelimit import rate_limited, wants_json

HOME_POSTS_PER_BOARD = 6
VIEWED_COOKIE = "viewed"
VIEWED_COOKIE_SALT = "board.viewed-posts"
VIEWED_REMEMBERED = 300
VOTE_VALUES = {"up": PostVote.UP, "down": PostVote.DOWN}


def home(request):
    return pagecache.serve(request, ["site"], lambda: render_home(request))


def render_home(request):
    boards = list(Board.objects.for_menu())
    sections = [
        (board, list(Post.objects.visible().in_board(board).for_list().newest_first()[:HOME_POSTS_PER_BOARD]))
        for board in boards
    ]
    return render(request, "board/home.html", {"sections": sections})


SORTS = {"new": "최신순", "views": "조회순", "votes": "추천순", "comments": "댓글순", "popular": "인기"}
SEARCH_SORTS = {"new": "최신순", "relevance": "정확도순"}
PERIODS = {"today": ("오늘", 1), "week": ("이번 주", 7), "month": ("이번 달", 30)}


@dataclass(frozen=True)
class ListOptions:
    """What a reader chose for a list: a search, a field, an order, a period."""

    query: search.Query
    field: str
    sort: str
    period: str

    @classmethod
    def from_request(cls, request):
        query = search.parse_query(request.GET.get("q"))
        field = request.GET.get("field", search.DEFAULT_FIELD)
        if field not in search.FIELDS:
            field = search.DEFAULT_FIELD
        sorts = SEARCH_SORTS if query else SORTS
        sort = request.GET.get("sort", "new")
        period = request.GET.get("period", "week")
        return cls(
            query=query,
            field=field,
            sort=sort if sort in sorts else "new",
            period=period if period in PERIODS else "week",
        )

    @property
    def searching(self):
        return bool(self.query)

    def article_query(self):
        """The part of a list's URL an article link keeps, so 이전글/다음글 follow the search."""
        if not self.searching:
            return ""
        return "?" + urlencode({"q": self.query.text, "field": self.field})

    def results(self, board=None):
        order = "relevance" if self.sort == "relevance" else "new"
        return search.Results(self.query, self.field, board=board, order=order)

    def apply(self, board, page):
        """How to fetch a page of this list, its total, and the total as shown (a search
        counts only as far as the pager needs: "200+")."""
        if self.searching:
            results = self.results(board)
            limit = search.count_limit(page, board.page_size)
            count = results.count(limit)
            return results.page, count, search.count_label(count, limit)
        posts = Post.objects.visible().in_board(board)
        if self.sort == "popular":
            since = timezone.now() - timedelta(days=PERIODS[self.period][1])
            ordered, total = posts.popular_since(since), None
        else:
            ordered, total = posts.sorted_by(self.sort), board.post_count
        total = ordered.count() if total is None else total
        return ordered.for_list().page, total, f"{total:,}"


LIST_PARAMETERS = ("page", "q", "field", "sort", "period")


def post_list(request, slug):
    # An unknown slug finds no cached page (only 200s are stored) and render_list says 404.
    return pagecache.serve(
        request,
        [f"board:{slug}"],
        lambda: render_list(request, slug),
        parameters=LIST_PARAMETERS,
        on_hit=lambda: count_search(request),
    )


def render_list(request, slug):
    board = get_object_or_404(Board, slug=slug)
    options = ListOptions.from_request(request)
    requested_page = parse_page_number(request.GET.get("page"))
    fetch, total, total_label = options.apply(board, requested_page)
    pager = Pager.for_total(requested_page, total, board.page_size)
    posts = fetch(pager.offset, pager.per_page)
    show_notices = pager.number == 1 and not options.searching and options.sort == "new"
    notices = list(Post.objects.visible().in_board(board).notices().for_list().newest_first()) if show_notices else []
    attach_tags(notices + posts)
    if options.searching:
        mark_matches(posts, options.query)
        count_search(request)
    return render(
        request,
        "board/post_list.html",
        {
            "board": board,
            "pager": pager,
            "posts": posts,
            "notices": notices,
            "show_tags": True,
            "options": options,
            "sorts": SEARCH_SORTS if options.searching else SORTS,
            "periods": PERIODS,
            "fields": search.FIELDS,
            "link_query": options.article_query(),
            "total_label": total_label,
            "pages_label": pages_label(pager, total_label),
            "can_write": permissions.can_write_post(request.user, board),
        },
    )


def count_search(request):
    """인기검색어 counts a search on its first page, cached page or not."""
    query = search.parse_query(request.GET.get("q"))
    if query and parse_page_number(request.GET.get("page")) == 1:
        services.record_search(query, client=client_fingerprint(request))


def client_fingerprint(request):
    """An opaque, salted hash of the reader's address and browser, used only as a cache key
    (never stored): enough to count a search once per reader."""
    raw = f"{request.META.get('REMOTE_ADDR', '')}|{request.headers.get('User-Agent', '')}|{settings.SECRET_KEY}"
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def pages_label(pager, total_label):
    """ "12" pages, or "10+" when a search stopped counting (its pager counts one more)."""
    return f"{pager.num_pages - 1:,}+" if total_label.endswith("+") else f"{pager.num_pages:,}"


def mark_matches(posts, query):
    for post in posts:
        post.title_html = search.highlight(post.title, query)
        post.snippet_html = search.snippet(post.excerpt, query)


def get_visible_post(slug, post_id, user=None):
    """The post, or a 404 when it is unknown, deleted, or hidden from this reader.
    Moderators also see hidden posts, marked 숨김."""
    board = get_object_or_404(Board, slug=slug)
    posts = Post.objects.filter(is_deleted=False) if permissions.can_moderate(user) else Post.objects.visible()
    post = get_object_or_404(posts.for_detail(), board=board, pk=post_id)
    return board, post


def post_detail(request, slug, post_id):
    viewed = viewed_post_ids(request)
    first_view = post_id not in viewed
    key = None
    if pagecache.cacheable(request):
        cached, key, current = pagecache.lookup(request, f"post:{post_id}", f"board:{slug}")
        if cached is not None:
            # The page is cached, the view count never is (board/viewcounts.py).
            live = viewcounts.count_view(post_id) if first_view else viewcounts.shown_views(post_id)
            response = pagecache.respond(cached, view_count=live or 0)
            if first_view:
                remember_viewed(response, viewed + [post_id])
            return response
    board, post = get_visible_post(slug, post_id, request.user)
    if first_view:
        post.view_count = viewcounts.count_view(post.pk, stored=post.view_count)
    else:
        post.view_count = viewcounts.shown_views(post.pk, stored=post.view_count)
    if key:
        response = render_article(request, board, post, view_count_mark=pagecache.VIEW_COUNT_MARK)
        pagecache.store(key, current, response)
        response.content = response.content.replace(pagecache.VIEW_COUNT_MARK.encode(), f"{post.view_count:,}".encode())
    else:
        response = render_article(request, board, post)
    if first_view:
        remember_viewed(response, viewed + [post.pk])
    return response


def render_article(request, board, post, *, status=200, comment_form=None, error=None, view_count_mark=""):
    """The article page; also the page a refused comment or vote is shown on, with its message."""
    user = request.user
    options = ListOptions.from_request(request)
    comments = thread_comments(Comment.objects.for_post(post), show_hidden=permissions.can_moderate(user))
    if options.searching:
        results = options.results(board)
        position, fetch = results.newer_than(post), results.page
        limit = search.count_limit(position // board.page_size + 1, board.page_size)
        total = results.count(limit)
        total_label = search.count_label(total, limit)
    else:
        in_board = Post.objects.visible().in_board(board).newest_first()
        total, position = board.post_count, in_board.newer_than(post).count()
        total_label = f"{total:,}"

        fetch = in_board.for_list().page

    pager = Pager.containing(position, total, board.page_size)
    # One row either side of the page, so 이전글/다음글 come from the same query.
    start = max(pager.offset - 1, 0)
    window = fetch(start, pager.offset + pager.per_page + 1 - start)
    newer, older = neighbours(window, post)
    page_posts = window[pager.offset - start : pager.offset - start + pager.per_page]
    for row in page_posts:
        row.is_current = row.pk == post.pk
    body_html = post.body_html
    if options.searching:
        # Opened from a search result: the words searched for are marked in the text too.
        mark_matches(page_posts, options.query)
        body_html = search.highlight_html(post.body_html, options.query)
    my_vote = None
    if user.is_authenticated:
        my_vote = PostVote.objects.filter(post=post, user=user).values_list("value", flat=True).first()
        for comment in comments:
            for item in [comment, *comment.children]:
                item.editable = permissions.can_edit_comment(user, item)
    return render(
        request,
        "board/post_detail.html",
        {
            "board": board,
            "post": post,
            "body_html": body_html,
            "comments": comments,
            "comment_form": comment_form or CommentForm(),
            "can_comment": permissions.can_comment(user, post),
            "can_edit": permissions.can_edit_post(user, post),
            "can_moderate": permissions.can_moderate(user),
            "my_vote": my_vote,
            "error": error,
            "pager": pager,
            "posts": page_posts,
            "newer_post": newer,
            "older_post": older,
            "list_base": board.get_absolute_url(),
            "link_query": options.article_query(),
            "options": options,
            "total_label": total_label,
            "pages_label": pages_label(pager, total_label),
            "view_count_mark": view_count_mark,
        },
        status=status,
    )


def viewed_post_ids(request):
    """Posts this browser has already viewed, from a signed cookie that lives as long as the
    browser session. A cookie rather than the session, so anonymous readers and crawlers
    never cost a session row."""
    raw = request.get_signed_cookie(VIEWED_COOKIE, default="", salt=VIEWED_COOKIE_SALT)
    try:
        return [int(part, 36) for part in raw.split(".") if part]
    except ValueError:
        return []


def remember_viewed(response, ids):
    value = ".".join(base36(i) for i in ids[-VIEWED_REMEMBERED:])
    response.set_signed_cookie(
        VIEWED_COOKIE,
        value,
        salt=VIEWED_COOKIE_SALT,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def neighbours(window, post):
    ids = [p.pk for p in window]
    if post.pk not in ids:
        return None, None
    i = ids.index(post.pk)
    newer = window[i - 1] if i > 0 else None
    older = window[i + 1] if i + 1 < len(window) else None
    return newer, older


def thread_comments(comments, *, show_hidden):
    """Top-level comments with their replies attached as `.children`.

    A removed comment that still has replies stays as a placeholder ("삭제된 댓글입니다")
    so the replies keep their context; without replies it disappears.
    """
    top_level = []
    by_id = {}
    for comment in comments:
        comment.children = []
        comment.shows_placeholder = comment.is_deleted or (comment.is_hidden and not show_hidden)
        if comment.parent_id is None:
            top_level.append(comment)
            by_id[comment.pk] = comment
        elif comment.parent_id in by_id and not comment.shows_placeholder:
            by_id[comment.parent_id].children.append(comment)
    return [c for c in top_level if not c.shows_placeholder or c.children]


# --- Writing -----------------------------------------------------------------------------


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
            post = services.create_post(
                board=board,
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags_text"],
                source_url=form.cleaned_data["source_url"],
                images=form.cleaned_data["images"],
            )
            messages.success(request, "글을 등록했습니다.")
            return redirect(post)
        return render_post_form(request, board, form, status=400)
    return render_post_form(request, board, form)


@login_required
def post_edit(request, slug, post_id):
    board, post = get_visible_post(slug, post_id)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied("글쓴이나 운영진만 글을 수정할 수 있습니다.")
    form = PostForm(request.POST or None, request.FILES or None, instance=post, existing_images=post.images.count())
    if request.method == "POST":
        if "preview" in request.POST:
            return render_post_form(request, board, form, post=post, preview=True)
        if form.is_valid():
            services.edit_post(
                post=post,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags_text"],
                source_url=form.cleaned_data["source_url"],
                images=form.cleaned_data["images"],
            )
            messages.success(request, "글을 수정했습니다.")
            return redirect(post)
        post.refresh_from_db()
        return render_post_form(request, board, form, post=post, status=400)
    return render_post_form(request, board, form, post=post)


def render_post_form(request, board, form, *, post=None, preview=False, status=200):
    context = {"board": board, "form": form, "post": post}
    if preview:
        # Rendered by the same pipeline as on save, so the preview is exactly what is stored.
        body = form.data.get("body", "")
        context["preview_html"] = markup.render_post(body[: settings.BOARD_POST_MAX_LENGTH])
        context["preview_title"] = form.data.get("title", "")
    return render(request, "board/post_form.html", context, status=status)


@login_required
def post_delete(request, slug, post_id):
    board, post = get_visible_post(slug, post_id)
    if not permissions.can_delete_post(request.user, post):
        raise PermissionDenied("글쓴이나 운영진만 글을 삭제할 수 있습니다.")
    if request.method == "POST":
        services.delete_post(post=post, moderator=request.user)
        messages.success(request, "글을 삭제했습니다.")
        return redirect(board)
    return render(request, "board/post_confirm_delete.html", {"board": board, "post": post})


# --- Comments ----------------------------------------------------------------------------


@require_POST
@login_required
@rate_limited("comment")
def comment_create(request, slug, post_id):
    board, post = get_visible_post(slug, post_id)
    if not permissions.can_comment(request.user, post):
        raise PermissionDenied("댓글을 쓸 권한이 없습니다.")
    form = CommentForm(request.POST)
    parent = None
    if form.is_valid() and form.cleaned_data["parent"]:
        parent = Comment.objects.visible().filter(post=post, pk=form.cleaned_data["parent"]).first()
        if parent is None:
            form.add_error(None, "답글을 달 댓글이 없거나 삭제되었습니다.")
    if not form.is_valid():
        return render_article(request, board, post, status=400, comment_form=form)
    comment = services.add_comment(post=post, author=request.user, body=form.cleaned_data["body"], parent=parent)
    return redirect(f"{post.get_absolute_url()}#c{comment.pk}")


def get_comment(comment_id, user=None):
    """The comment, if this reader may see it and its post (moderators: hidden ones too).

    A deleted or hidden comment is a 404 like an id that never existed, so a guessed id
    tells nothing; only visible comments of others get the 403 of a refusal."""
    comments = Comment.objects.select_related("post__board").filter(post__is_deleted=False, is_deleted=False)
    if not permissions.can_moderate(user):
        comments = comments.filter(post__is_hidden=False, is_hidden=False)
    return get_object_or_404(comments, pk=comment_id)


@login_required
def comment_edit(request, comment_id):
    comment = get_comment(comment_id, request.user)
    if not permissions.can_edit_comment(request.user, comment):
        raise PermissionDenied("댓글을 쓴 회원이나 운영진만 수정할 수 있습니다.")
    form = CommentForm(request.POST or None, instance=comment)
    if request.method == "POST":
        if form.is_valid():
            services.edit_comment(comment=comment, body=form.cleaned_data["body"])
            return redirect(f"{comment.post.get_absolute_url()}#c{comment.pk}")
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


# --- Votes -------------------------------------------------------------------------------


@require_POST
@login_required
@rate_limited("vote")
def vote(request, slug, post_id):
    board, post = get_visible_post(slug, post_id)
    value = VOTE_VALUES.get(request.POST.get("value", ""))
    refusal = (
        "추천 또는 비추천을 골라 주세요." if value is None else permissions.vote_refusal(request.user, post, value)
    )
    if refusal:
        status = 400 if value is None else 403
        if wants_json(request):
            return JsonResponse({"error": refusal}, status=status)
        return render_article(request, board, post, status=status, error=refusal)
    my_vote = services.cast_vote(user=request.user, post=post, value=value)
    if wants_json(request):
        counts = Post.objects.filter(pk=post.pk).values("upvote_count", "downvote_count").get()
        return JsonResponse(
            {"upvotes": counts["upvote_count"], "downvotes": counts["downvote_count"], "my_vote": my_vote or 0}
        )
    return redirect(f"{post.get_absolute_url()}#vote")


def bad_request(request, exception=None):
    """handler400: Django's own renders 400.html without the request, so without the menu."""
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    return render(
        request,
        "403.html",
        {"exception": "보안 토큰이 없거나 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요."},
        status=403,
    )


# --- Finding -----------------------------------------------------------------------------

SITE_PAGE_SIZE = 20


def site_search(request):
    return pagecache.serve(
        request,
        ["site"],
        lambda: render_site_search(request),
        parameters=("page", "q", "field", "sort", "board"),
        on_hit=lambda: count_search(request),
    )


def render_site_search(request):
    """전체 검색: every board the reader may read, a capped count per board, one result list."""
    options = ListOptions.from_request(request)
    boards = list(Board.objects.for_menu())
    context = {"options": options, "fields": search.FIELDS, "sorts": SEARCH_SORTS, "boards": boards}
    if not options.searching:
        return render(request, "board/search.html", context, status=400 if options.query.error else 200)
    requested_page = parse_page_number(request.GET.get("page"))
    limit = search.count_limit(requested_page, SITE_PAGE_SIZE)
    counts = {board.slug: options.results(board).count(limit) for board in boards}
    selected = next((b for b in boards if b.slug == request.GET.get("board")), None)
    total = counts[selected.slug] if selected else min(sum(counts.values()), limit)
    pager = Pager.for_total(requested_page, total, SITE_PAGE_SIZE)
    posts = options.results(selected).page(pager.offset, SITE_PAGE_SIZE)
    mark_matches(posts, options.query)
    count_search(request)
    context.update(
        {
            "counts": [(board, search.count_label(counts[board.slug], limit)) for board in boards],
            "selected": selected,
            "total_label": search.count_label(total, limit),
            "pager": pager,
            "posts": posts,
            "link_query": options.article_query(),
        }
    )
    return render(request, "board/search.html", context)


def tag_posts(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    tagged = Post.objects.visible().filter(tags__slug=tag.slug)
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), tagged.count(), SITE_PAGE_SIZE)
    posts = list(tagged.for_list().newest_first().select_related("board")[pager.offset : pager.offset + SITE_PAGE_SIZE])
    attach_tags(posts)
    return render(request, "board/tag_posts.html", {"tag": tag, "pager": pager, "posts": posts})


NEW_KINDS = {"all": "전체", "posts": "원글만", "comments": "댓글만"}


NEW_MAX_ITEMS = 1000  # 새글/새댓글 is about what is new: fifty pages at most


def new_activity(request):
    return pagecache.serve(request, ["site"], lambda: render_new_activity(request), parameters=("page", "kind"))


def render_new_activity(request):
    """새글/새댓글: the newest posts and comments of every readable board in one stream.

    Each kind is read newest first from its own index, only as far as the page needs, and
    the two are merged here; no query touches the older rows.
    """
    kind = request.GET.get("kind", "all")
    kind = kind if kind in NEW_KINDS else "all"
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), NEW_MAX_ITEMS, SITE_PAGE_SIZE)
    wanted = pager.offset + SITE_PAGE_SIZE
    streams = []
    if kind in ("all", "posts"):
        posts = Post.objects.visible().newest_first().values_list("created_at", "id")[:wanted]
        streams.append([(created, pk, "post") for created, pk in posts])
    if kind in ("all", "comments"):
        comments = (
            Comment.objects.visible()
            .filter(post__is_hidden=False, post__is_deleted=False)
            .order_by("-created_at", "-id")
            .values_list("created_at", "id")[:wanted]
        )
        streams.append([(created, pk, "comment") for created, pk in comments])
    merged = list(heapq.merge(*streams, key=lambda item: (item[0], item[1]), reverse=True))
    pager = Pager.for_total(pager.number, min(len(merged), NEW_MAX_ITEMS), SITE_PAGE_SIZE)
    page = merged[pager.offset : pager.offset + SITE_PAGE_SIZE]
    post_ids = [pk for _, pk, k in page if k == "post"]
    comment_ids = [pk for _, pk, k in page if k == "comment"]
    found_posts = Post.objects.select_related("board", "author").defer("body", "body_html").in_bulk(post_ids)
    found_comments = Comment.objects.select_related("post__board", "author").in_bulk(comment_ids)
    items = [found_posts.get(pk) if k == "post" else found_comments.get(pk) for _, pk, k in page]
    return render(
        request,
        "board/new_activity.html",
        {"items": [i for i in items if i is not None], "kind": kind, "kinds": NEW_KINDS, "pager": pager},
    )


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# --- Moderation on the site --------------------------------------------------------------


@require_POST
@login_required
def post_moderate(request, slug, post_id):
    """숨기기/복원/공지 from the article page, for 운영진 only."""
    if not permissions.can_moderate(request.user):
        raise PermissionDenied("운영진만 할 수 있는 작업입니다.")
    board, post = get_visible_post(slug, post_id, request.user)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return render_article(request, board, post, status=400, error="알 수 없는 운영 작업입니다.")
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
    action = request.POST.get("action")
    if action not in ("hide", "restore"):
        return render(request, "400.html", status=400)
    services.set_comment_hidden(
        comment=comment,
        moderator=request.user,
        hidden=action == "hide",
        reason=request.POST.get("reason", "").replace("\x00", "")[:500],
    )
    return redirect(f"{comment.post.get_absolute_url()}#c{comment.pk}")


@login_required
def report_post(request, slug, post_id):
    board, post = get_visible_post(slug, post_id)
    return report(request, post=post, target_title=post.title, back=post.get_absolute_url())


@login_required
def report_comment(request, comment_id):
    comment = get_comment(comment_id)
    if not comment.is_visible:
        raise Http404
    back = f"{comment.post.get_absolute_url()}#c{comment.pk}"
    return report(request, comment=comment, target_title=f"댓글: {comment.excerpt}", back=back)


def report(request, *, target_title, back, post=None, comment=None):
    target = post or comment
    refusal = permissions.report_refusal(request.user, target)
    if refusal:
        raise PermissionDenied(refusal)
    form = ReportForm(request.POST or None)
    context = {"form": form, "target_title": target_title, "back": back}
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
            context["error"] = "이미 신고하셨습니다. 운영진이 확인하고 있습니다."
            return render(request, "board/report_form.html", context, status=409)
        messages.success(request, "신고를 접수했습니다. 운영진이 확인하겠습니다.")
        return redirect(back)
    return render(request, "board/report_form.html", context)


MODLOG_PAGE_SIZE = 30


def moderation_log(request):
    """/modlog/: every moderation action, public, as Lobsters does."""
    logs = ModerationLog.objects.newest_first()
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), logs.count(), MODLOG_PAGE_SIZE)
    entries = list(logs[pager.offset : pager.offset + MODLOG_PAGE_SIZE])
    return render(request, "board/moderation_log.html", {"entries": entries, "pager": pager})


def healthz(request):
    """200 when the database and the cache answer, 503 otherwise (for load balancers)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001  (any failure means unhealthy)
        checks["database"] = f"error: {type(error).__name__}"
    try:
        cache.set("healthz", "ok", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "ok" else "error: no round trip"
    except Exception as error:  # noqa: BLE001
        checks["cache"] = f"error: {type(error).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response

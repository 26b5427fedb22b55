"""Reading: 홈, a board's list, an article (with its comments and the list it sits in)."""

import copy

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from .. import memberslots, permissions, viewcounts
from ..forms import CommentForm
from ..fragments import (
    Part,
    cached_parts,
    fill_shell,
    hole,
    holes_for,
    refreshed_response,
    shell_context,
    shell_response,
    show_current,
    variant,
)
from ..invalidation import article_version, board_version, listing_version
from ..models import Board, Comment, Post, member_votes, thread_items, thread_page
from ..pagecache import cached_for_readers, keep_private, placeholder
from ..pagination import Pager, parse_page_number
from ..sidebar import board_categories
from .listing import (
    FIELD_LABELS,
    PERIODS,
    SEARCH_SORTS,
    SORTS,
    ListOptions,
    count_label,
    count_limit,
    count_search,
    pages_label,
    search_page,
)
from .lookups import get_post
from .parts import (
    article_counts,
    comment_markup,
    home_rows,
    notice_rows,
    refreshed_rows,
    rows_args,
    rows_part,
    thread_html,
)

LIST_PARAMETERS = ("page", "q", "field", "sort", "period", "category")


@cached_for_readers("site")
def home(request):
    # 홈 is one page for everyone: a board with a reading level is left out of it. Each
    # board's rows are a part of their own: a write in one board leaves the others' alone;
    # the page around them is a shell that only a board's listing retires.
    boards = list(Board.objects.for_menu().filter(read_level__lte=1))
    parts = {board.slug: Part(f"home:{board.slug}", (board_version(board.slug),), home_rows(board)) for board in boards}
    rows = cached_parts(request, parts)
    if not shares_parts(request):
        return render(request, "board/home.html", {"sections": [(board, rows[board.slug]) for board in boards]})
    values = {f"home_{i}": rows[board.slug] for i, board in enumerate(boards)}

    def render_shell():
        sections = [(board, hole(f"home_{i}") if values[f"home_{i}"] else "") for i, board in enumerate(boards)]
        return render_to_string("board/home.html", shell_context({"sections": sections}), request)

    versions = tuple(listing_version(board.slug) for board in boards)
    shell = cached_parts(request, {"shell": Part(f"shell:home:{variant(request)}", versions, render_shell)})["shell"]
    return HttpResponse(fill_shell(shell, values))


def shares_parts(request):
    """Whether this page is rendered to be shared (pagecache), so made from cached parts."""
    return getattr(request, "page_versions", None) is not None


# An unknown slug finds no cached page (only 200s are stored) and the view says 404.
@cached_for_readers(
    "listing:{slug}", parameters=LIST_PARAMETERS, on_hit=count_search, refreshed=("board:{slug}", refreshed_rows)
)
def post_list(request, slug):
    board = get_object_or_404(Board, slug=slug)
    check_read_level(request.user, board)
    options = ListOptions.from_request(request)
    categories = board_categories(board)
    category = chosen_category(categories, options)
    requested_page = parse_page_number(request.GET.get("page"))
    fetch, total, total_label = options.apply(board, requested_page, category)
    pager = Pager.for_total(requested_page, total, board.page_size)
    plain = is_plain_list(options, category)
    parts = {"rows": rows_part(request, board, pager, fetch, options, plain)}
    if pager.number == 1 and plain:
        parts["notices"] = Part(None, (), notice_rows(request, board))  # made of parts of its own
    parts = cached_parts(request, parts)
    (rows_html, _), notices_html = parts["rows"], parts.get("notices", "")
    if options.searching:
        count_search(request)
    context = {
        "board": board,
        "pager": pager,
        "rows_html": show_current(rows_html),
        "notices_html": notices_html,
        "options": options,
        "sorts": SEARCH_SORTS if options.searching else SORTS,
        "periods": PERIODS,
        "fields": FIELD_LABELS,
        "link_query": options.article_query(),
        "total_label": total_label,
        "pages_label": pages_label(pager, total_label),
        "can_write": permissions.offers_writing(request.user, board),
        "categories": categories,
        "selected_category": category,
    }
    if plain and shares_parts(request):
        response = shell_response(
            request,
            f"shell:list:{board.slug}:{variant(request)}:{pager.number}",
            (listing_version(board.slug),),
            "board/post_list.html",
            context,
            {"rows_html": context["rows_html"], "notices_html": notices_html},
            rows_args(board, pager.number, notices=pager.number == 1),
        )
    else:
        response = render(request, "board/post_list.html", context)
    return keep_private(response) if board.read_level > 1 else response


def is_plain_list(options, category):
    """The board's own list, newest first: the rows every list page and article share."""
    return not options.searching and options.sort == "new" and category is None


def chosen_category(categories, options):
    """The 말머리 ?category= names, which must be one of this board's: another board's id,
    or one that does not exist, is a 404 (never a list of another board's posts)."""
    if options.category_id is None:
        return None
    for category in categories:
        if category.pk == options.category_id:
            return category
    raise Http404("이 게시판에 없는 말머리입니다.")


@cached_for_readers(
    "article:{post_id}",
    "listing:{slug}",
    parameters=("cpage",),
    live=viewcounts.article_view_count,
    refreshed=("board:{slug}", refreshed_rows),
    votes_of="post_id",
)
def post_detail(request, slug, post_id):
    post = get_post(slug, post_id, request.user)
    check_read_level(request.user, post.board)
    response = render_article(request, post, view_count=placeholder("view_count"))
    # Not everyone who shares cached pages may read this board: the page is this reader's.
    return keep_private(response) if post.board.read_level > 1 else response


def render_article(request, post, *, view_count=None, status=200, comment_form=None, error=None):
    """The article page; also the page a refused comment or vote is shown on, with its
    message. `view_count` is the text shown as "N 조회" (the live placeholder on the article
    itself; the stored number otherwise)."""
    if shares_parts(request):
        return shared_article(request, post, view_count)
    options = ListOptions.from_request(request)
    context, slots = article_context(request, post, view_count, options, comment_form, error)
    context["rows_html"] = show_current(context["rows_html"], post.pk)
    response = render(request, "board/post_detail.html", context, status=status)
    if slots is not None:  # a page members share whose versions were just started
        response.member_slots = slots
    return response


def shared_article(request, post, view_count):
    """The article page as readers share it, made of parts cached on their own
    (fragments.py): the article with its comments under the post's version; the board's
    rows under it under the board's (shared with the list page and every article on it);
    and the shell around them, under the post's version and its board's listing, which
    knows the list page the article is on. After a comment elsewhere in the board, only the
    rows are put together again."""
    board, options = post.board, ListOptions.from_request(request)
    made = {}

    def render_shell():
        context, slots = article_context(request, post, view_count, options)
        made["rows_html"] = context["rows_html"]
        shell = render_to_string(
            "board/post_detail.html",
            shell_context({**context, **holes_for({"rows_html": context["rows_html"]})}),
            request,
        )
        return shell, context["pager"].number, slots

    cpage = parse_page_number(request.GET.get("cpage"))  # the page shown, not what was typed
    name = f"shell:article:{post.pk}:{variant(request)}:{cpage}"
    versions = (article_version(post.pk), listing_version(board.slug))
    shell, page, slots = cached_parts(request, {"shell": Part(name, versions, render_shell)})["shell"]
    args = rows_args(board, page, current=post.pk)
    if "rows_html" in made:
        values = {
            "rows_html": show_current(made["rows_html"], post.pk),
            **article_counts(post.upvote_count, post.downvote_count),
        }
    else:
        values = refreshed_rows(request, None, board.slug, args)
    response = refreshed_response(shell, values, args)
    if slots is not None:
        response.member_slots = slots
    return response


def article_context(request, post, view_count, options, comment_form=None, error=None):
    """(the article page's context, what its member slots need or None). The article with
    its comments and the rows under it are parts (cached on a page readers share)."""
    board = post.board
    pager, total_label, rows = article_list(request, post, options)
    cpage = parse_page_number(request.GET.get("cpage"))
    parts = cached_parts(
        request,
        {
            "article": Part(
                f"article:{post.pk}:{variant(request)}:{cpage}",
                (article_version(post.pk),),
                lambda: article_part(request, post, view_count, comment_form, error, options),
            ),
            "rows": rows,
        },
    )
    article_html, comments_html, slots = parts["article"]
    rows_html, window = parts["rows"]
    newer, older = neighbours(window, post)
    context = {
        "board": board,
        "post": post,
        "article_html": article_html,
        "comments_html": comments_html,
        "rows_html": rows_html,
        "can_write": permissions.offers_writing(request.user, board),
        "pager": pager,
        "newer_post": newer,
        "older_post": older,
        "list_base": board.get_absolute_url(),
        "link_query": options.article_query(),
        "options": options,
        "total_label": total_label,
        "pages_label": pages_label(pager, total_label),
    }
    return context, slots


def article_part(request, post, view_count, comment_form, error, options):
    """The article below its board line and its comments, as HTML, and what the member slots
    in them need (None on a page rendered for one reader alone)."""
    user, board = request.user, post.board
    can_moderate = permissions.can_moderate(user)
    comment_pager, comments, whole_thread = comment_page(post, request, show_hidden=can_moderate)
    # On a page members share, their vote and their controls are slots (memberslots.py).
    shared = getattr(request, "member_slots", False)
    my_vote = None
    if user.is_authenticated and not shared:
        items = thread_items(comments)
        my_vote, voted = member_votes(user, post.pk)
        for item in items:
            item.editable = permissions.can_edit_comment(user, item)
            item.vote_state = "own" if item.author_id == user.pk else "member"
            item.my_vote = item.pk in voted
    # Not the level: pages members share cannot differ by it (the POST says why).
    can_comment = permissions.offers_commenting(user, post) and not permissions.needs_email_confirmation(user)
    comment_markup(request, post, comments, can_comment=can_comment, can_moderate=can_moderate)
    context = {
        "board": board,
        "post": with_count_holes(post) if shares_parts(request) else post,
        "view_count": view_count if view_count is not None else f"{post.view_count:,}",
        "comments": comments,
        "thread_html": thread_html(comments),
        "best_comments": best_comments(post, whole_thread),
        "comment_pager": comment_pager,
        "is_author": user.is_authenticated and user.pk == post.author_id,
        "can_write": permissions.offers_writing(user, board),
        "comment_form": comment_form or CommentForm(),
        "can_comment": can_comment,
        "attachments": list(post.attachments.all()) if post.attachment_count else [],
        # Never true on a page members share: an unconfirmed member's pages are their own
        # (pagecache.shareable_by_members).
        "needs_confirmation": not shared and permissions.needs_email_confirmation(user),
        "can_edit": permissions.can_edit_post(user, post),
        "can_moderate": can_moderate,
        "my_vote": my_vote,
        "error": error,
        "options": options,
    }
    return (
        render_to_string("board/_article.html", context, request),
        render_to_string("board/_comments.html", context, request),
        memberslots.article_slots(post, comments) if shared else None,
    )


def with_count_holes(post):
    """The post as a shared article part shows it: its 추천/비추천 counts are holes, filled
    from its row on every response (views/parts.refreshed_rows), so a vote retires no
    article part or shell (invalidation.article_version)."""
    shown = copy.copy(post)
    shown.upvote_count, shown.downvote_count = hole("post_up"), hole("post_down")
    return shown


def best_comments(post, whole_thread=None):
    """베스트 댓글 above the thread: the most-추천 comments, BOARD_BEST_COMMENTS at most,
    BOARD_BEST_COMMENT_MIN_VOTES 추천 at least each. A thread that fits on one page is all
    loaded already (`whole_thread`, its rows) and costs no query; a longer one, one."""
    limit, least = settings.BOARD_BEST_COMMENTS, max(settings.BOARD_BEST_COMMENT_MIN_VOTES, 1)
    if not post.comment_count or limit <= 0:
        return []
    if whole_thread is None:
        return list(Comment.objects.best_of(post, limit=limit, min_votes=least))
    best = [c for c in whole_thread if c.is_visible and c.upvote_count >= least]
    return sorted(best, key=lambda c: (-c.upvote_count, c.pk))[:limit]


def check_read_level(user, board):
    """A reader below the board's reading level gets the 403 page saying which level it takes.
    Before anything of the board is rendered; its pages are never cached (keep_private)."""
    refusal = permissions.level_refusal(user, board, "read")
    if refusal:
        raise PermissionDenied(refusal)


def comment_page(post, request, *, show_hidden):
    """(pager, the page of comments as thread_page gives it, every row of the thread when
    it fits on the page or else None). ?cpage= picks the page, BOARD_COMMENTS_PER_PAGE a
    page's size. One query for a thread that fits on a page, two (the rows, the count) for
    a longer one, however many comments it has."""
    per_page = settings.BOARD_COMMENTS_PER_PAGE
    requested = parse_page_number(request.GET.get("cpage"))
    if post.comment_count == 0 and not show_hidden:
        return Pager.for_total(1, 0, per_page), [], []  # no visible comment, so no placeholder either
    shown = Comment.objects.filter(post=post).shown_on_article(show_hidden=show_hidden)
    ordered = shown.select_related("author").in_thread_order()
    offset = (requested - 1) * per_page
    rows = list(ordered[offset : offset + per_page + 1])
    total = len(rows) if requested == 1 and len(rows) <= per_page else shown.count()
    pager = Pager.for_total(requested, total, per_page)
    if pager.number != requested:  # a page past the end: the last one
        rows = list(ordered[pager.offset : pager.offset + per_page])
    rows = rows[:per_page]
    whole = rows if total <= per_page else None
    return pager, thread_page(rows, show_hidden=show_hidden), whole


def article_list(request, post, options):
    """The list page the article sits on (열람중): (pager, total as shown, the rows' Part).
    Opened from a search, the list is the search's."""
    board = post.board
    if options.searching:
        results = options.results(board)
        position, fetch = results.newer_than(post), search_page(results)
        limit = count_limit(position // board.page_size + 1, board.page_size)
        total = results.count(limit)
        total_label = count_label(total, limit)
    else:
        in_board = Post.objects.visible().in_board(board).newest_first()
        total, position = board.post_count, in_board.newer_than(post).count()
        total_label = f"{total:,}"
        fetch = in_board.for_list().page
    pager = Pager.containing(position, total, board.page_size)
    return pager, total_label, rows_part(request, board, pager, fetch, options, plain=not options.searching)


def neighbours(window, post):
    ids = [p.pk for p in window]
    if post.pk not in ids:
        return None, None
    i = ids.index(post.pk)
    newer = window[i - 1] if i > 0 else None
    older = window[i + 1] if i + 1 < len(window) else None
    return newer, older

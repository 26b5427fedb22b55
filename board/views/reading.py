"""Reading: 홈, a board's list, an article (with its comments and the list it sits in)."""

import copy

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from .. import memberslots, permissions, viewcounts
from ..fragments import (
    Part,
    cached_parts,
    fill_shell,
    fill_shell_holes,
    hole,
    holes_for,
    refreshed_response,
    shell_context,
    shell_response,
    show_current,
    variant,
)
from ..invalidation import article_version, board_version, listing_version
from ..models import Board, Post, member_votes
from ..pagecache import cached_for_readers, keep_private, placeholder
from ..pagination import Pager, parse_page_number
from ..sidebar import board_categories
from ..templatetags.board_tags import thousands
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
from .lookups import get_board, get_post
from .parts import (
    article_counts,
    comments_part,
    home_rows,
    notice_rows,
    refreshed_rows,
    rows_args,
    rows_part,
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
    board = get_board(slug)
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
    "comments:{post_id}",
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
    context, post_slots, comment_slots = article_context(request, post, view_count, options, comment_form, error)
    context["rows_html"] = show_current(context["rows_html"], post.pk)
    response = render(request, "board/post_detail.html", context, status=status)
    if post_slots is not None:  # a page members share whose versions were just started
        response.member_slots = {**post_slots, "comments": comment_slots}
    return response


def shared_article(request, post, view_count):
    """The article page as readers share it, made of parts cached on their own
    (fragments.py): the article under the post's article version; its page of comments
    under the post's comments version; the board's rows under it (shared with the list
    page and every article on it); and the shell around them, under the post's article
    version and its board's listing, which knows the list page the article is on. After a
    comment on the post, only its comments are made again and filled into the shell; after
    one elsewhere in the board, only the rows are put together again."""
    board, options = post.board, ListOptions.from_request(request)
    made = {}

    def render_shell():
        context, post_slots, comment_slots = article_context(request, post, view_count, options)
        made["rows_html"], made["comments"] = context["rows_html"], (context["comments_html"], comment_slots)
        holes = {**holes_for({"rows_html": context["rows_html"]}), "comments_html": hole("comments_html")}
        shell = render_to_string("board/post_detail.html", shell_context({**context, **holes}), request)
        return shell, context["pager"].number, post_slots

    cpage = parse_page_number(request.GET.get("cpage"))  # the page shown, not what was typed
    # ":2": since the comments are a hole of their own (an older shell has them written in).
    name = f"shell:article:2:{post.pk}:{variant(request)}:{cpage}"
    versions = (article_version(post.pk), listing_version(board.slug))
    shell, page, post_slots = cached_parts(request, {"shell": Part(name, versions, render_shell)})["shell"]
    if "comments" not in made:
        made["comments"] = cached_parts(request, {"comments": comments_part(request, post)})["comments"]
    comments_html, comment_slots = made["comments"]
    shell = fill_shell_holes(shell, {"comments_html": comments_html, **comment_count(post)})
    args = rows_args(board, page, current=post.pk)
    if "rows_html" in made:
        values = {
            "rows_html": show_current(made["rows_html"], post.pk),
            **article_counts(post.upvote_count, post.downvote_count),
        }
    else:
        values = refreshed_rows(request, None, board.slug, args)
    response = refreshed_response(shell, values, args)
    if post_slots is not None:
        response.member_slots = {**post_slots, "comments": comment_slots}
    return response


def comment_count(post):
    """The article part's hole for "댓글 N", which a comment moves (with_count_holes)."""
    return {"post_comments": thousands(post.comment_count)}


def article_context(request, post, view_count, options, comment_form=None, error=None):
    """(the article page's context, what the member slots of the article and of its
    comments need, each None on a page rendered for one reader alone). The article, its
    comments and the rows under it are parts (cached on a page readers share)."""
    board, user = post.board, request.user
    pager, total_label, rows = article_list(request, post, options)
    # On a page members share, their votes are slots (memberslots.py); on one rendered for
    # one member alone, read here for the vote box and the comments' 추천 buttons.
    votes = (None, set())
    if user.is_authenticated and not getattr(request, "member_slots", False):
        votes = member_votes(user, post.pk)
    parts = cached_parts(
        request,
        {
            "article": Part(
                f"article-body:{post.pk}:{variant(request)}",
                (article_version(post.pk),),
                lambda: article_part(request, post, view_count, error, options, votes[0]),
            ),
            "comments": comments_part(request, post, comment_form, votes[1]),
            "rows": rows,
        },
    )
    (article_html, post_slots), (comments_html, comment_slots) = parts["article"], parts["comments"]
    rows_html, window = parts["rows"]
    newer, older = neighbours(window, post)
    context = {
        "board": board,
        "post": post,
        "article_html": article_html,
        "comments_html": comments_html,
        "rows_html": rows_html,
        "can_write": permissions.offers_writing(user, board),
        "pager": pager,
        "newer_post": newer,
        "older_post": older,
        "list_base": board.get_absolute_url(),
        "link_query": options.article_query(),
        "options": options,
        "total_label": total_label,
        "pages_label": pages_label(pager, total_label),
    }
    return context, post_slots, comment_slots


def article_part(request, post, view_count, error, options, my_vote):
    """The article below its board line, as HTML, and what the member slots in it need
    (None on a page rendered for one reader alone)."""
    user, board = request.user, post.board
    shared = getattr(request, "member_slots", False)
    context = {
        "board": board,
        "post": with_count_holes(post) if shares_parts(request) else post,
        "view_count": view_count if view_count is not None else f"{post.view_count:,}",
        "is_author": user.is_authenticated and user.pk == post.author_id,
        "can_write": permissions.offers_writing(user, board),
        "attachments": list(post.attachments.all()) if post.attachment_count else [],
        "can_edit": permissions.can_edit_post(user, post),
        "can_moderate": permissions.can_moderate(user),
        "my_vote": my_vote,
        "error": error,
        "options": options,
    }
    html = render_to_string("board/_article.html", context, request)
    return html, memberslots.post_slots(post) if shared else None


def with_count_holes(post):
    """The post as a shared article part shows it: its 추천/비추천 counts are holes, filled
    from its row on every response (views/parts.refreshed_rows), so a vote retires no
    article part or shell (invalidation.article_version); its 댓글 count one filled from
    the post as the page reads it, so a comment retires neither."""
    shown = copy.copy(post)
    shown.upvote_count, shown.downvote_count = hole("post_up"), hole("post_down")
    shown.comment_count = hole("post_comments")
    return shown


def check_read_level(user, board):
    """A reader below the board's reading level gets the 403 page saying which level it takes.
    Before anything of the board is rendered; its pages are never cached (keep_private)."""
    refusal = permissions.level_refusal(user, board, "read")
    if refusal:
        raise PermissionDenied(refusal)


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

"""The parts of the reading pages that are cached on their own when readers share the page
(board/fragments.py): a board's page of rows, its 공지, 홈's block of a board, an article's
page of comments, and each comment's HTML. A page rendered for one reader alone makes them
the same way, uncached."""

from typing import NamedTuple

from django.conf import settings
from django.template.context_processors import csrf
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from config.precompiled import compiled_objects

from .. import memberslots, permissions
from ..forms import CommentForm
from ..fragments import Part, cached_batch, cached_parts, part_and_sidebar, show_current, variant
from ..invalidation import comments_version, listing_version, post_version
from ..models import Board, Comment, Post, attach_tags, thread_items, thread_page
from ..pagination import Pager, parse_page_number
from ..templatetags.board_tags import post_rows, thousands
from .listing import ListOptions

HOME_POSTS_PER_BOARD = 6


def home_rows(board):
    def render_rows():
        # Made again after every write to the board: its SQL is compiled once (config/precompiled.py).
        posts = compiled_objects(
            "home-rows",
            lambda pk: Post.objects.visible().filter(board_id=pk).for_list().newest_first()[:HOME_POSTS_PER_BOARD],
            [board.pk],
        )
        return post_rows(posts, board.slug)

    return render_rows


class NavLink(NamedTuple):
    """An article as 이전글/다음글 link to it, with its 추천/비추천 counts (an article's
    page takes its own from here: refreshed_rows). Kept with a cached page of rows."""

    pk: int
    title: str
    upvotes: int
    downvotes: int


def rows_part(request, board, pager, fetch, options, plain, ids=None):
    """A page of the board's rows with 열람중 marks (fragments.show_current), and the page's
    articles with one either side as NavLinks (이전글/다음글 of an article on its edge).
    `ids`: the plain page's posts with one either side, where the caller knows them.

    The plain list's page is a cached part, shared by the list page and every article on
    it, kept under the versions of the posts it holds, and made from rows cached one by one
    under the same versions: after a comment, only the page and the row of the post it
    went to are made again. A search's or a sort's page is made whole each time."""
    start = max(pager.offset - 1, 0)
    limit = pager.offset + pager.per_page + 1 - start

    def page_of(window):
        return window[pager.offset - start : pager.offset - start + pager.per_page]

    def render_page():
        window = list(fetch(start, limit))
        rows = page_of(window)
        attach_tags(rows)
        html = post_rows(
            rows, board.slug, show_tags=True, link_query=options.article_query(), query=options.query, mark_current=True
        )
        return html, [NavLink(row.pk, row.title, row.upvote_count, row.downvote_count) for row in window]

    def page_ids():
        return Post.objects.visible().in_board(board).newest_first().page_ids(start, limit)

    def render_plain_page(ids):
        entries = {pk: (f"list-row:{pk}", (post_version(pk),)) for pk in ids}
        rows = cached_batch(request, entries, lambda missing: board_rows(board, missing))
        window = [(pk, rows[pk]) for pk in ids if pk in rows]
        html = mark_safe("".join(row.html for _, row in page_of(window)))  # noqa: S308 - rows Jinja2 escaped
        return html, [NavLink(pk, *row[1:]) for pk, row in window]

    if plain:
        # Which posts the page holds changes only with the board's listing; the page of rows
        # is kept under the versions of those posts, so a comment or a 추천 on a post of
        # another page leaves it as it is (a look at its posts' versions, no row read). Not
        # under the posts either side of it: of those it keeps only the title (이전글/다음글),
        # which only a change to the listing changes.
        if ids is None:
            ids_part = Part(f"ids:{board.slug}:{pager.number}", (listing_version(board.slug),), page_ids)
            ids = cached_parts(request, {"ids": ids_part})["ids"]
        versions = (listing_version(board.slug), *(post_version(pk) for pk in page_of(ids)))
        return Part(f"list-rows:{board.slug}:{pager.number}", versions, lambda: render_plain_page(ids))
    return Part(None, (), render_page)


def rows_args(board, page, *, current=None, notices=False):
    """What refreshed_rows needs to make a page's rows again (kept with the cached page)."""
    return {"board": (board.pk, board.page_size), "page": page, "current": current, "notices": notices}


def refreshed_rows(request, response, slug, args=None, **_):
    """The rows (and 공지) of a cached list page or article, which a comment or a 추천 in
    the board changes while the page around them stays (pagecache `refreshed`), with the
    sidebar as it is now: from the cached rows (fragments.py), made again where they moved.

    A page's rows as put together are kept under the board's listing (which posts it
    holds) with the versions their posts had (fragments.part_and_sidebar): after a write
    to a post of another page they are two cache reads away, with no row, page of ids or
    row's part read; after one to a post of this page, the first page to need them puts
    them together again, and every article on that page and the list page itself, for
    every reader, then read them as they are."""
    args = args or response.refreshed_parts["args"]
    board_id, per_page = args["board"]
    board = Board(pk=board_id, slug=slug, page_size=per_page)  # all the rows ask of it
    page, notices = args["page"], args["notices"]

    def render_rows(stale):
        pager = Pager.for_total(page, page * per_page, per_page)
        options = ListOptions.from_request(request)
        # Kept under the same listing, the stale page holds the same posts: its rows are put
        # together again from theirs, with no page of ids or of rows read first.
        ids = [link.pk for link in stale[1]] if stale else None
        rows = rows_part(request, board, pager, None, options, plain=True, ids=ids)
        depends = list(rows.versions[1:])  # the page's posts (the first is the listing)
        parts = {"rows": rows._replace(name=None) if stale else rows}
        if notices:
            parts["notices"] = Part(None, (), notice_rows(request, board, depends))
        made = cached_parts(request, parts)
        return (*made["rows"], made.get("notices")), depends

    part = Part(f"board-page:{slug}:{page}:{int(notices)}", (listing_version(slug),), render_rows)
    (rows_html, window, notices_html), sidebar = part_and_sidebar(request, part)
    values = {"rows_html": show_current(rows_html, args["current"]), **sidebar}
    if notices:
        values["notices_html"] = notices_html
    if args["current"] is not None:
        counts = next(((link.upvotes, link.downvotes) for link in window if link.pk == args["current"]), None)
        if counts is None:  # not on the page it was (the listing moved since): from its row
            counts = Post.objects.filter(pk=args["current"]).values_list("upvote_count", "downvote_count").first()
        values.update(article_counts(*(counts or (0, 0))))
    return values


def article_counts(upvotes, downvotes):
    """An article's 추천/비추천 as its page's holes ("post_up", "post_down") and as numbers
    for its member's vote box ("post_counts", memberslots)."""
    return {"post_up": thousands(upvotes), "post_down": thousands(downvotes), "post_counts": (upvotes, downvotes)}


class Row(NamedTuple):
    """One row of a board's list as HTML (with its 열람중 marks), its title and counts."""

    html: str
    title: str
    upvotes: int
    downvotes: int


def board_rows(board, ids, *, notice=False):
    """{id: Row} for these posts of the board, in one query and one for their tags (a post
    gone since its id was read is left out). 공지 rows have no 열람중 marks."""
    if not ids:
        return {}
    found = {
        post.pk: post
        for post in compiled_objects("list-rows", lambda *pks: Post.objects.for_list().filter(pk__in=pks), list(ids))
    }
    posts = attach_tags([found[pk] for pk in ids if pk in found])
    return {
        post.pk: Row(
            str(post_rows([post], board.slug, notice=notice, show_tags=True, mark_current=not notice)),
            post.title,
            post.upvote_count,
            post.downvote_count,
        )
        for post in posts
    }


def notice_rows(request, board, depends=None):
    """The 공지 rows of the board's first list page, put together from parts: which posts
    (under the board's listing: pinning one retires every page anyway), and each row under
    its post's version, so that a comment or a 추천 elsewhere reads no 공지 again. Their
    posts' versions are added to `depends` when it is given."""

    def render_rows():
        ids = cached_parts(
            request,
            {
                "ids": Part(
                    f"notice-ids:{board.slug}",
                    (listing_version(board.slug),),
                    lambda: list(
                        Post.objects.visible().in_board(board).notices().newest_first().values_list("pk", flat=True)
                    ),
                )
            },
        )["ids"]
        entries = {pk: (f"notice-row:{pk}", (post_version(pk),)) for pk in ids}
        if depends is not None:
            depends.extend(post_version(pk) for pk in ids)
        rows = cached_batch(request, entries, lambda missing: board_rows(board, missing, notice=True))
        return mark_safe("".join(rows[pk].html for pk in ids if pk in rows))  # noqa: S308 - rows Jinja2 escaped

    return render_rows


def comments_part(request, post, comment_form=None, voted=frozenset()):
    """The article's page of comments (?cpage=) as a Part: its HTML and what the member slots
    in it need (None on a page rendered for one reader alone), cached under the post's
    comments version, which a comment or a 댓글 추천 moves and the article's does not."""

    def render():
        user, board = request.user, post.board
        can_moderate = permissions.can_moderate(user)
        comment_pager, comments, whole_thread = comment_page(post, request, show_hidden=can_moderate)
        shared = getattr(request, "member_slots", False)
        if user.is_authenticated and not shared:
            for item in thread_items(comments):
                item.editable = permissions.can_edit_comment(user, item)
                item.vote_state = "own" if item.author_id == user.pk else "member"
                item.my_vote = item.pk in voted
        # Not the level: pages members share cannot differ by it (the POST says why).
        can_comment = permissions.offers_commenting(user, post) and not permissions.needs_email_confirmation(user)
        comment_markup(request, post, comments, can_comment=can_comment, can_moderate=can_moderate)
        context = {
            "board": board,
            "post": post,
            "comments": comments,
            "thread_html": thread_html(comments),
            "best_comments": best_comments(post, whole_thread),
            "comment_pager": comment_pager,
            "comment_form": comment_form or CommentForm(),
            "can_comment": can_comment,
            # Never true on a page members share: an unconfirmed member's pages are their own
            # (pagecache.shareable_by_members).
            "needs_confirmation": not shared and permissions.needs_email_confirmation(user),
        }
        html = render_to_string("board/_comments.html", context, request)
        return html, memberslots.comment_slots(comments) if shared else None

    cpage = parse_page_number(request.GET.get("cpage"))
    return Part(f"comments:{post.pk}:{variant(request)}:{cpage}", (comments_version(post.pk),), render)


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


def comment_page(post, request, *, show_hidden):
    """(pager, the page of comments as thread_page gives it, every row of the thread when
    it fits on the page or else None). ?cpage= picks the page, BOARD_COMMENTS_PER_PAGE a
    page's size. One query for a thread that fits on a page, two (the rows, the count) for
    a longer one, however many comments it has."""
    per_page = settings.BOARD_COMMENTS_PER_PAGE
    requested = parse_page_number(request.GET.get("cpage"))
    if post.comment_count == 0 and not show_hidden:
        return Pager.for_total(1, 0, per_page), [], []  # no visible comment, so no placeholder either
    offset = (requested - 1) * per_page

    # Built only where used: the first page of a short thread needs neither.
    def shown():
        return Comment.objects.filter(post=post).shown_on_article(show_hidden=show_hidden)

    def ordered():
        return shown().select_related("author").in_thread_order()

    if offset == 0:
        # The first page is made again after every comment on the post: its SQL is compiled
        # once (config/precompiled.py). Not the others: each ?cpage= would be a query kept.
        rows = compiled_objects(
            f"comment-page:{int(show_hidden)}:{per_page}",
            lambda pk: (
                Comment.objects.filter(post_id=pk)
                .shown_on_article(show_hidden=show_hidden)
                .select_related("author")
                .in_thread_order()[: per_page + 1]
            ),
            [post.pk],
        )
    else:
        rows = list(ordered()[offset : offset + per_page + 1])
    total = len(rows) if requested == 1 and len(rows) <= per_page else shown().count()
    pager = Pager.for_total(requested, total, per_page)
    if pager.number != requested:  # a page past the end: the last one
        rows = list(ordered()[pager.offset : pager.offset + per_page])
    rows = rows[:per_page]
    whole = rows if total <= per_page else None
    return pager, thread_page(rows, show_hidden=show_hidden), whole


def comment_markup(request, post, comments, *, can_comment, can_moderate):
    """Give each comment of the page its HTML (`.html`: templates/board/_comment.html).

    On a page readers share, each comment's is cached on its own under what decides how it
    looks (an edit, its 추천 count, its removal, whether it gets a reply box), so a comment
    or a 추천 elsewhere in the thread leaves the others' HTML alone; its author's name and
    level are on every page and retire everything when they change (invalidation.py). A
    page for one reader alone makes every comment's."""
    items = thread_items(comments)
    if not items:
        return
    shared = getattr(request, "member_slots", False)
    context = {
        "post": post,
        "board": post.board,
        "can_comment": can_comment,
        "can_moderate": can_moderate,
        "viewer": request.user,
        "member_slots": shared,
        # Lazy, as Django's own: a reader's page that prints no form sets no CSRF cookie.
        "csrf_token": memberslots.slot("csrf") if shared else csrf(request)["csrf_token"],
    }
    template = get_template("board/_comment.html")
    by_pk = {item.pk: item for item in items}

    def render_missing(pks):
        return {pk: template.render({**context, "comment": by_pk[pk]}) for pk in pks}

    version = variant(request)
    entries = {item.pk: (comment_part_name(item, post, version, can_comment), ()) for item in items}
    markup = cached_batch(request, entries, render_missing)
    for item in items:
        item.html = mark_safe(markup[item.pk])  # noqa: S308 - rendered by _comment.html, escaped there


CONTINUED_THREAD = '<p class="comment-continued">이전 페이지 댓글에 이어지는 답글</p>'


def thread_html(comments):
    """The page's comments as the thread's <li>s, replies in their own list under their
    comment, from each comment's HTML (comment_markup): joined here rather than in a
    template loop, which was a fifth of an article part's rendering."""
    items = []
    for comment in comments:
        head = CONTINUED_THREAD if getattr(comment, "continued", False) else comment.html
        replies = "".join(f"<li>{reply.html}</li>" for reply in comment.children)
        items.append(f'<li>{head}<ol class="reply-list">{replies}</ol></li>' if replies else f"<li>{head}</li>")
    return mark_safe("\n".join(items))  # noqa: S308 - each comment's HTML escaped by _comment.html


def comment_part_name(comment, post, version, can_comment):
    # The board's slug is in the reply box's address: a post moved to another board has it
    # changed under comments that did not.
    edited = int(comment.edited_at.timestamp() * 1000) if comment.edited_at else 0
    removed = f"{int(comment.is_deleted)}{int(comment.is_hidden)}{int(bool(comment.placeholder))}"
    return (
        f"comment:{comment.pk}:{post.board.slug}:{version}:{int(can_comment)}:{edited}:{removed}:{comment.upvote_count}"
    )

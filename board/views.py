from django.conf import settings
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.utils.http import int_to_base36 as base36

from .models import Board, Comment, Post
from .pagination import Pager, parse_page_number
from .services import count_view

HOME_POSTS_PER_BOARD = 6
VIEWED_COOKIE = "viewed"
VIEWED_COOKIE_SALT = "board.viewed-posts"
VIEWED_REMEMBERED = 300


def home(request):
    boards = list(Board.objects.for_menu())
    sections = [
        (board, list(Post.objects.visible().in_board(board).for_list()[:HOME_POSTS_PER_BOARD])) for board in boards
    ]
    return render(request, "board/home.html", {"sections": sections})


def post_list(request, slug):
    board = get_object_or_404(Board, slug=slug)
    pager = Pager.for_total(parse_page_number(request.GET.get("page")), board.post_count, board.page_size)
    posts = list(Post.objects.visible().in_board(board).for_list()[pager.offset : pager.offset + pager.per_page])
    notices = list(Post.objects.visible().in_board(board).notices().for_list()) if pager.number == 1 else []
    prefetch_related_objects(notices + posts, "tags")
    return render(
        request,
        "board/post_list.html",
        {"board": board, "pager": pager, "posts": posts, "notices": notices, "show_tags": True},
    )


def post_detail(request, slug, post_id):
    board = get_object_or_404(Board, slug=slug)
    post = get_object_or_404(Post.objects.visible().for_detail(), board=board, pk=post_id)
    viewed = viewed_post_ids(request)
    first_view = post.pk not in viewed
    if first_view:
        count_view(post=post)

    comments = thread_comments(Comment.objects.for_post(post), show_hidden=request.user.is_staff)
    in_board = Post.objects.visible().in_board(board)
    pager = Pager.containing(in_board.newer_than(post).count(), board.post_count, board.page_size)
    # One row either side of the page, so 이전글/다음글 come from the same query.
    start = max(pager.offset - 1, 0)
    window = list(in_board.for_list()[start : pager.offset + pager.per_page + 1])
    newer, older = neighbours(window, post)
    page_posts = window[pager.offset - start : pager.offset - start + pager.per_page]
    for row in page_posts:
        row.is_current = row.pk == post.pk
    response = render(
        request,
        "board/post_detail.html",
        {
            "board": board,
            "post": post,
            "comments": comments,
            "pager": pager,
            "posts": page_posts,
            "newer_post": newer,
            "older_post": older,
            "list_base": board.get_absolute_url(),
        },
    )
    if first_view:
        remember_viewed(response, viewed + [post.pk])
    return response


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
        secure=not settings.DEBUG and settings.SESSION_COOKIE_SECURE,
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

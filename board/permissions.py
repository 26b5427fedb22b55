"""Who may do what, as named predicates; views raise PermissionDenied when one says no."""

from accounts.confirmation import awaiting_confirmation
from accounts.models import level_of

from .models import STAFF

# What each of a board's minimum levels (Board.*_level) guards, as the refusal says it.
LEVEL_ACTIONS = {
    "read": ("read_level", "글을 읽을"),
    "write": ("write_level", "글을 쓸"),
    "comment": ("comment_level", "댓글을 쓸"),
    "download": ("download_level", "첨부파일을 내려받을"),
}


def is_member(user):
    return user is not None and user.is_authenticated and user.is_active


def can_moderate(user):
    """운영진: staff members of the moderator group (or superusers)."""
    return is_member(user) and user.is_staff and user.has_perm("board.change_post")


def needs_email_confirmation(user):
    """A member who joined while ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION is on and has not yet
    opened the confirmation link: they read everything but write nothing."""
    return is_member(user) and awaiting_confirmation(user)


def level_refusal(user, board, action):
    """Why this reader's level is too low for `action` on this board (a Korean sentence), or
    None. 운영진 pass every level; a visitor counts as below Lv.1, and Lv.1 asks for nothing
    (reading and downloading are then open to visitors too; writing and commenting still
    need a member, offers_writing and offers_commenting)."""
    field, doing = LEVEL_ACTIONS[action]
    needed = getattr(board, field)
    if needed <= 1:
        return None
    if level_of(user) >= needed or can_moderate(user):
        return None
    if not is_member(user):
        return f"이 게시판은 Lv.{needed} 이상 회원만 {doing} 수 있습니다. 로그인해 주세요."
    return (
        f"이 게시판은 Lv.{needed} 이상 회원만 {doing} 수 있습니다. 지금 레벨은 Lv.{user.level}입니다. "
        "글과 댓글을 쓰고 추천을 받으면 포인트가 쌓여 레벨이 오릅니다."
    )


def can_read_board(user, board):
    return level_refusal(user, board, "read") is None


def can_download(user, board):
    return level_refusal(user, board, "download") is None


def offers_writing(user, board):
    """Whether the page shows 글쓰기: the board takes members' posts. The level is left to
    the form (a page members share cannot differ by level): below it, 글쓰기 says why."""
    if not is_member(user):
        return False
    if board.is_readonly or board.write_access == STAFF:
        return can_moderate(user)
    return True


def can_write_post(user, board):
    return (
        offers_writing(user, board)
        and not needs_email_confirmation(user)
        and level_refusal(user, board, "write") is None
    )


def can_edit_post(user, post):
    return is_member(user) and (post.author_id == user.pk or can_moderate(user))


def can_delete_post(user, post):
    return can_edit_post(user, post)


def offers_commenting(user, post):
    """Whether the article shows the comment box (the level is the view's, as offers_writing)."""
    if not is_member(user):
        return False
    if post.board.is_readonly or post.board.comment_access == STAFF:
        return can_moderate(user)
    return True


def can_comment(user, post):
    return (
        offers_commenting(user, post)
        and not needs_email_confirmation(user)
        and level_refusal(user, post.board, "comment") is None
    )


def report_refusal(user, target):
    """Why this member may not report this post or comment, or None."""
    if not is_member(user):
        return "로그인한 회원만 신고할 수 있습니다."
    if target.author_id == user.pk:
        return "자신의 글이나 댓글은 신고할 수 없습니다."
    return None


def can_edit_comment(user, comment):
    return is_member(user) and not comment.is_deleted and (comment.author_id == user.pk or can_moderate(user))


def can_delete_comment(user, comment):
    return can_edit_comment(user, comment)


def vote_refusal(user, post, value):
    """Why this member may not cast this vote (a Korean sentence), or None if they may."""
    if not is_member(user):
        return "로그인한 회원만 추천할 수 있습니다."
    if post.author_id == user.pk:
        return "자신의 글은 추천하거나 비추천할 수 없습니다."
    if value == -1 and not post.board.use_downvote:
        return "이 게시판은 비추천을 사용하지 않습니다."
    return None


def comment_vote_refusal(user, comment):
    """Why this member may not 추천 this comment (a Korean sentence), or None."""
    if not is_member(user):
        return "로그인한 회원만 댓글을 추천할 수 있습니다."
    if comment.author_id == user.pk:
        return "자신의 댓글은 추천할 수 없습니다."
    return None


def can_scrap(user, post):
    """Any member may keep any post they can read."""
    return is_member(user)

"""Who may do what, as named predicates; views raise PermissionDenied when one says no."""

from accounts.confirmation import awaiting_confirmation

from .models import STAFF


def is_member(user):
    return user is not None and user.is_authenticated and user.is_active


def can_moderate(user):
    """운영진: staff members of the moderator group (or superusers)."""
    return is_member(user) and user.is_staff and user.has_perm("board.change_post")


def needs_email_confirmation(user):
    """A member who joined while ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION is on and has not yet
    opened the confirmation link: they read everything but write nothing."""
    return is_member(user) and awaiting_confirmation(user)


def can_write_post(user, board):
    if not is_member(user) or needs_email_confirmation(user):
        return False
    if board.is_readonly or board.write_access == STAFF:
        return can_moderate(user)
    return True


def can_edit_post(user, post):
    return is_member(user) and (post.author_id == user.pk or can_moderate(user))


def can_delete_post(user, post):
    return can_edit_post(user, post)


def can_comment(user, post):
    if not is_member(user) or needs_email_confirmation(user):
        return False
    if post.board.is_readonly or post.board.comment_access == STAFF:
        return can_moderate(user)
    return True


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

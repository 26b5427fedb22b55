"""Who may do what, as named predicates; views raise PermissionDenied when one says no."""

from .models import STAFF


def is_member(user):
    return user is not None and user.is_authenticated and user.is_active


def can_moderate(user):
    """운영진: staff members of the moderator group (or superusers)."""
    return is_member(user) and user.is_staff and user.has_perm("board.change_post")


def can_write_post(user, board):
    if not is_member(user):
        return False
    if board.is_readonly or board.write_access == STAFF:
        return can_moderate(user)
    return True


def can_edit_post(user, post):
    return is_member(user) and (post.author_id == user.pk or can_moderate(user))


def can_delete_post(user, post):
    return can_edit_post(user, post)


def can_comment(user, post):
    if not is_member(user):
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

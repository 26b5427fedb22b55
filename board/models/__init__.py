"""The board's models, by area: boards and posts (with votes and images), comments, the
search index and moderation (reports, the log)."""

from .attachments import ATTACHMENT_UPLOAD_TO, Attachment
from .boards import ACCESS_CHOICES, MEMBERS, STAFF, Board
from .comments import Comment, CommentQuerySet, thread_page
from .legacy import LegacyLink, LegacyRecord
from .moderation import ModerationLog, Report, ReportedComment, ReportedPost
from .posts import (
    VISIBLE_POST,
    PendingImage,
    Post,
    PostImage,
    PostQuerySet,
    PostVote,
    attach_tags,
    byline_of,
    visible_post_condition,
)
from .search_index import CommentSearch, PostSearch, SearchStopWord, SearchTerm

__all__ = [
    "ATTACHMENT_UPLOAD_TO",
    "Attachment",
    "ACCESS_CHOICES",
    "MEMBERS",
    "STAFF",
    "VISIBLE_POST",
    "Board",
    "Comment",
    "CommentQuerySet",
    "CommentSearch",
    "LegacyLink",
    "LegacyRecord",
    "ModerationLog",
    "PendingImage",
    "Post",
    "PostImage",
    "PostQuerySet",
    "PostSearch",
    "PostVote",
    "Report",
    "ReportedComment",
    "ReportedPost",
    "SearchStopWord",
    "SearchTerm",
    "attach_tags",
    "byline_of",
    "thread_page",
    "visible_post_condition",
]

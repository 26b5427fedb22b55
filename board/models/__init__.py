"""The board's models, by area: boards and posts (with votes and images), 말머리, comments
(with their 추천), 스크랩, the search index and moderation (reports, the log)."""

from .attachments import ATTACHMENT_UPLOAD_TO, Attachment
from .boards import ACCESS_CHOICES, MEMBERS, STAFF, Board
from .categories import Category
from .comments import Comment, CommentQuerySet, CommentVote, member_votes, thread_items, thread_page
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
from .scraps import DELETED_POST_TEXT, HIDDEN_POST_TEXT, Scrap
from .search_index import CommentSearch, PostSearch, SearchStopWord, SearchTerm

__all__ = [
    "ATTACHMENT_UPLOAD_TO",
    "Attachment",
    "ACCESS_CHOICES",
    "DELETED_POST_TEXT",
    "HIDDEN_POST_TEXT",
    "MEMBERS",
    "STAFF",
    "VISIBLE_POST",
    "Board",
    "Category",
    "Comment",
    "CommentQuerySet",
    "CommentSearch",
    "CommentVote",
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
    "Scrap",
    "SearchStopWord",
    "SearchTerm",
    "attach_tags",
    "byline_of",
    "member_votes",
    "thread_items",
    "thread_page",
    "visible_post_condition",
]

"""Every write that touches several rows, counters, the search index or cached pages.

Each is a keyword-only verb_noun function running in one transaction, moving counters with
F() so concurrent requests never lose an update, and telling board/invalidation.py what it
changed. Views and the admin call these; nothing else writes board rows.
"""

from .attachments import FilesNotStored
from .categories import delete_category, save_category
from .comments import add_comment, delete_comment, edit_comment
from .counters import delete_stop_word, record_search, recount_counters, save_stop_word
from .moderation import (
    AlreadyReported,
    dismiss_reports,
    hide_member_content,
    hide_post,
    hide_reported,
    log_moderation,
    report_item,
    restore_member_content,
    restore_post,
    set_comment_hidden,
    set_notice,
)
from .pictures import (
    ImagesNotStored,
    discard_pending_image,
    keep_pending_images,
    place_pictures,
    remove_expired_pending_images,
)
from .posts import (
    create_post,
    delete_board,
    delete_post,
    edit_post,
    move_post,
    render_post_body,
    save_board,
)
from .scraps import delete_scrap, save_scrap
from .votes import cast_vote, vote_comment

__all__ = [
    "vote_comment",
    "save_scrap",
    "delete_scrap",
    "save_category",
    "delete_category",
    "AlreadyReported",
    "FilesNotStored",
    "ImagesNotStored",
    "add_comment",
    "cast_vote",
    "create_post",
    "delete_board",
    "delete_comment",
    "delete_post",
    "delete_stop_word",
    "discard_pending_image",
    "dismiss_reports",
    "edit_comment",
    "edit_post",
    "hide_member_content",
    "hide_post",
    "hide_reported",
    "keep_pending_images",
    "log_moderation",
    "move_post",
    "place_pictures",
    "recount_counters",
    "record_search",
    "remove_expired_pending_images",
    "render_post_body",
    "report_item",
    "restore_member_content",
    "restore_post",
    "save_board",
    "save_stop_word",
    "set_comment_hidden",
    "set_notice",
]

"""스크랩: a member's saved posts, each with an optional memo."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .posts import Post

DELETED_POST_TEXT = "삭제된 글입니다"
HIDDEN_POST_TEXT = "숨겨진 글입니다"


class ScrapQuerySet(models.QuerySet):
    def of_member(self, user):
        return self.filter(user=user)

    def newest_first(self):
        return self.order_by("-created_at", "-id")

    def for_list(self):
        """What the 스크랩 page shows of each: the post's title, board and author, never its
        body. Hidden and deleted posts stay listed (the page says what became of them)."""
        return self.select_related("post__board", "post__author", "post__category").defer(
            "post__body", "post__body_html"
        )


class Scrap(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scraps", verbose_name="회원"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="scraps", verbose_name="글")
    memo = models.CharField("메모", max_length=200, blank=True, default="")
    created_at = models.DateTimeField("스크랩한 시각", default=timezone.now)

    objects = ScrapQuerySet.as_manager()

    class Meta:
        verbose_name = "스크랩"
        verbose_name_plural = "스크랩"
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="scrap_one_per_member")]
        # The member's list, newest first, one page at a time.
        indexes = [models.Index(fields=["user", "-created_at", "-id"], name="scrap_user_idx")]

    def __str__(self):
        return f"{self.user_id} → {self.post_id}"

    @property
    def gone_text(self):
        """What the list says instead of the title of a post readers can no longer see."""
        if self.post.is_deleted:
            return DELETED_POST_TEXT
        if self.post.is_hidden:
            return HIDDEN_POST_TEXT
        return ""

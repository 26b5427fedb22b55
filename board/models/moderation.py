from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .comments import Comment
from .posts import Post


class Report(models.Model):
    """신고: a member flags a post or a comment, once per item."""

    SPAM, ABUSE, OBSCENE, PRIVACY, OTHER = "spam", "abuse", "obscene", "privacy", "other"
    REASON_CHOICES = [
        (SPAM, "스팸"),
        (ABUSE, "욕설/비방"),
        (OBSCENE, "음란물"),
        (PRIVACY, "개인정보 노출"),
        (OTHER, "기타"),
    ]
    OPEN, HIDDEN, DISMISSED = "open", "hidden", "dismissed"
    STATUS_CHOICES = [(OPEN, "처리 대기"), (HIDDEN, "숨김 처리"), (DISMISSED, "기각")]

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    reason = models.CharField("사유", max_length=10, choices=REASON_CHOICES)
    detail = models.CharField("설명", max_length=500, blank=True)
    status = models.CharField("상태", max_length=10, choices=STATUS_CHOICES, default=OPEN)
    created_at = models.DateTimeField("신고 시각", default=timezone.now)
    resolved_at = models.DateTimeField("처리 시각", null=True, blank=True)

    class Meta:
        verbose_name = "신고"
        verbose_name_plural = "신고"
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "post"], condition=Q(post__isnull=False), name="report_once_per_post"
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"], condition=Q(comment__isnull=False), name="report_once_per_comment"
            ),
            models.CheckConstraint(
                condition=Q(post__isnull=False, comment__isnull=True) | Q(post__isnull=True, comment__isnull=False),
                name="report_one_target",
            ),
        ]
        indexes = [models.Index(fields=["status", "post"], name="report_open_post_idx")]

    def __str__(self):
        return f"{self.get_reason_display()} #{self.pk}"


class ModerationLogQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-created_at", "-id")


class ModerationLog(models.Model):
    """Every moderation action, written in the same transaction as the action; /modlog/
    shows it publicly (without reporters)."""

    ACTIONS = [
        ("hide_post", "글 숨김"),
        ("restore_post", "글 복원"),
        ("pin_post", "공지 지정"),
        ("unpin_post", "공지 해제"),
        ("move_post", "글 이동"),
        ("delete_post", "글 삭제"),
        ("hide_comment", "댓글 숨김"),
        ("restore_comment", "댓글 복원"),
        ("delete_comment", "댓글 삭제"),
        ("auto_hide_post", "신고 누적으로 글 숨김"),
        ("auto_hide_comment", "신고 누적으로 댓글 숨김"),
        ("dismiss_reports", "신고 기각"),
        ("ban_user", "회원 정지"),
        ("unban_user", "회원 정지 해제"),
        ("restore_user_content", "회원 글·댓글 복원"),
    ]

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="운영진",
        help_text="비어 있으면 자동 처리",
    )
    action = models.CharField("조치", max_length=30, choices=ACTIONS)
    target_type = models.CharField("대상 종류", max_length=10)
    target_id = models.PositiveBigIntegerField("대상 번호")
    target_title = models.CharField("대상", max_length=200)
    reason = models.CharField("사유", max_length=500, blank=True)
    created_at = models.DateTimeField("일시", default=timezone.now)

    objects = ModerationLogQuerySet.as_manager()

    class Meta:
        verbose_name = "운영 기록"
        verbose_name_plural = "운영 기록"
        indexes = [models.Index(fields=["-created_at"], name="modlog_created_idx")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.target_title}"


class ReportedQuerySet(models.QuerySet):
    """For the report queue proxies: items with open reports, most reported first."""

    def with_open_reports(self):
        open_reports = Q(reports__status=Report.OPEN)
        return (
            self.filter(open_reports)
            .annotate(open_report_count=models.Count("reports", filter=open_reports))
            .order_by("-open_report_count", "-id")
        )


class ReportedPost(Post):
    """The report queue in admin: one row per reported post, with its open report count."""

    objects = ReportedQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "신고된 글"
        verbose_name_plural = "신고된 글"


class ReportedComment(Comment):
    objects = ReportedQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "신고된 댓글"
        verbose_name_plural = "신고된 댓글"

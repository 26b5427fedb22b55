"""첨부파일: files other than pictures that a post carries (board/attachments.py checks
them, services/attachments.py stores them, views/files.py serves them)."""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from .posts import Post

# Random names without an extension (attachments.random_name): a web server that serves
# the media folder directly sends them as plain bytes, never as a page or a script.
ATTACHMENT_UPLOAD_TO = "files/%Y/%m/"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments", verbose_name="글")
    file = models.FileField("파일", upload_to=ATTACHMENT_UPLOAD_TO, max_length=200)
    original_name = models.CharField("원래 파일명", max_length=255)
    size = models.PositiveBigIntegerField("크기", default=0)
    # Moved with F() by the download view, so concurrent downloads never lose one.
    download_count = models.PositiveIntegerField("다운로드", default=0, editable=False)
    position = models.PositiveSmallIntegerField("순서", default=0)
    created_at = models.DateTimeField("올린 시각", default=timezone.now)

    class Meta:
        verbose_name = "첨부파일"
        verbose_name_plural = "첨부파일"
        ordering = ["position", "id"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("board:attachment_download", args=[self.post.board.slug, self.post_id, self.pk])

    @property
    def extension(self):
        return self.original_name.rsplit(".", 1)[-1].lower() if "." in self.original_name else ""

    @property
    def size_label(self):
        """1.2MB, 340KB, 12B: as Korean boards print a file's size."""
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f}MB"
        if self.size >= 1024:
            return f"{self.size / 1024:.0f}KB"
        return f"{self.size}B"

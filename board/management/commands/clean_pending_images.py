"""Remove pictures chosen on the post form and never used (PendingImage), files and all,
once they are BOARD_PENDING_IMAGE_HOURS old. Run it daily (cron or a systemd timer)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from board import services


class Command(BaseCommand):
    help = "글쓰기에서 고른 뒤 쓰이지 않은 임시 이미지를 지웁니다 (BOARD_PENDING_IMAGE_HOURS가 지난 것)."

    def handle(self, *args, **options):
        removed = services.remove_expired_pending_images()
        hours = settings.BOARD_PENDING_IMAGE_HOURS
        self.stdout.write(f"{hours}시간이 지난 임시 이미지 {removed}개를 지웠습니다.")

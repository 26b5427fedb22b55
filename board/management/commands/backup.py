"""A consistent copy of the database while the site keeps serving and writing
(board/backups.py says how, and why so)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from board.backups import BackupError, write_backup


class Command(BaseCommand):
    help = "사이트를 멈추지 않고 데이터베이스의 일관된 사본을 만듭니다 (업로드한 이미지는 들어가지 않습니다)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="사본 파일 (기본: backups/ainews-<시각>.<확장자>)")

    def handle(self, *args, **options):
        vendor = connection.vendor
        if vendor not in ("sqlite", "postgresql"):
            raise CommandError(f"{vendor} 데이터베이스는 지원하지 않습니다.")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        default = Path("backups") / f"ainews-{stamp}.{'sqlite3' if vendor == 'sqlite' else 'dump'}"
        started = time.monotonic()
        try:
            target = write_backup(Path(options["path"] or default))
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = target.stat().st_size / 1024 / 1024
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"백업을 만들었습니다: {target} ({size:.1f} MB, {seconds:.1f}초)"))

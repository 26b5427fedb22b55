from django.core.management.base import BaseCommand

from board import viewcounts


class Command(BaseCommand):
    help = "Redis에 모인 글 조회수를 데이터베이스에 씁니다 (BOARD_VIEW_COUNTS=redis일 때)."

    def handle(self, *args, **options):
        flushed = viewcounts.flush()
        self.stdout.write(f"조회수를 기록한 글: {flushed:,}개")

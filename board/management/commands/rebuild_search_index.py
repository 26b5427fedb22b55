import time

from django.core.management.base import BaseCommand

from board import invalidation, search


class Command(BaseCommand):
    help = "검색 색인을 글과 댓글에서 다시 만듭니다."

    def handle(self, *args, **options):
        started = time.monotonic()

        def progress(label, done, total):
            self.stdout.write(f"\r{label} {done:,}/{total:,}", ending="")

        search.rebuild(progress=progress)
        invalidation.everything_changed()  # cached search results were made from the old index
        self.stdout.write(self.style.SUCCESS(f"\n검색 색인을 다시 만들었습니다 ({time.monotonic() - started:.1f}초)."))

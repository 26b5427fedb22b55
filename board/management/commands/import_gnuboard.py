"""Move a Gnuboard5 site over: boards, members (with their passwords), posts, comments,
votes and pictures, and the old addresses as 301s. docs/import.md is the owner's guide."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from board.gnuboard.importer import Importer
from board.gnuboard.reader import Source, SourceError


class Command(BaseCommand):
    help = (
        "그누보드5 사이트(MySQL/MariaDB)의 게시판, 회원, 글, 댓글, 추천, 이미지를 가져옵니다. "
        "여러 번 실행해도 같은 것을 두 번 가져오지 않습니다."
    )

    def add_arguments(self, parser):
        parser.add_argument("--db", required=True, help="mysql://아이디:비밀번호@호스트:포트/데이터베이스")
        parser.add_argument("--prefix", default="g5_", help="테이블 접두어 (기본 g5_)")
        parser.add_argument("--data", help="그누보드 data/ 폴더의 사본 (첨부파일과 에디터 이미지)")
        parser.add_argument("--boards", help="이 게시판만 (bo_table을 쉼표로): free,notice")
        parser.add_argument("--dry-run", action="store_true", help="끝까지 읽고 검사하되 아무것도 저장하지 않음")
        parser.add_argument("--batch-size", type=int, default=1000, help="한 트랜잭션에 넣을 행 수 (기본 1000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() if (os.cpu_count() or 1) > 1 else 0,
            help="본문 변환을 맡을 프로세스 수 (기본: CPU 수, 0이면 이 프로세스에서)",
        )

    def handle(self, *args, **options):
        if options["data"] and not os.path.isdir(options["data"]):
            raise CommandError(f"--data 폴더가 없습니다: {options['data']}")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 는 1 이상이어야 합니다.")
        boards = [name.strip() for name in (options["boards"] or "").split(",") if name.strip()] or None
        # Query logging (on under DEBUG) would keep every statement of the import in memory.
        settings.DEBUG = False
        try:
            source = Source(options["db"], options["prefix"])
        except SourceError as error:
            raise CommandError(str(error)) from error
        try:
            importer = Importer(
                source,
                data_dir=options["data"],
                boards=boards,
                dry_run=options["dry_run"],
                batch_size=options["batch_size"],
                workers=max(0, options["workers"]),
                out=self.stdout,
            )
            text = importer.run()
        except SourceError as error:
            raise CommandError(str(error)) from error
        finally:
            source.close()
        self.stdout.write(text)
        self.stdout.write(
            self.style.SUCCESS("\n가져오기를 마쳤습니다." if not options["dry_run"] else "\n시험 실행을 마쳤습니다.")
        )

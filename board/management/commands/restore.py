"""Put a backup made by `manage.py backup` back, and forget what was derived from the
database it replaces (board/backups.py; the procedure is in docs/deploy.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from board.backups import BackupError, CachesNotCleared, forget_derived_state, restore_backup


class Command(BaseCommand):
    help = "백업 파일로 데이터베이스를 되돌리고, 캐시한 페이지와 Redis의 조회수를 비웁니다."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="manage.py backup이 만든 파일")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument(
            "--caches-only",
            action="store_true",
            help="복원은 하지 않고 캐시와 조회수만 비웁니다 (복원 뒤 Redis가 꺼져 있었을 때)",
        )

    def handle(self, *args, **options):
        if options["caches_only"]:
            self.forget()
            return
        if not options["path"]:
            raise CommandError("복원할 백업 파일을 지정해 주세요.")
        name = connection.settings_dict["NAME"]
        if options["interactive"]:
            answer = input(f"데이터베이스 {name}의 내용을 {options['path']}의 내용으로 바꿉니다. 계속할까요? [yes/no] ")
            if answer.strip().lower() != "yes":
                raise CommandError("복원을 취소했습니다.")
        try:
            restore_backup(options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        except CachesNotCleared as error:
            raise CommandError(
                f"데이터베이스는 복원했지만 캐시를 비우지 못했습니다 ({error}). "
                "Redis가 돌아오면 manage.py restore --caches-only 를 실행해 주세요."
            ) from error
        self.stdout.write(self.style.SUCCESS(f"복원했습니다: {options['path']} → {name}"))

    def forget(self):
        forgotten = forget_derived_state()
        self.stdout.write(self.style.SUCCESS(f"캐시한 페이지를 무효로 하고 조회수 키 {forgotten}개를 지웠습니다."))

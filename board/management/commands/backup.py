"""A consistent copy of the database while the site keeps serving.

SQLite: SQLite's online backup API (copies pages under a read lock, retrying around
writers), so the copy is a valid database at one moment. PostgreSQL: pg_dump, which reads
one snapshot; restore with `pg_restore -d <database> --clean <file>`.
"""

import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = "사이트를 멈추지 않고 데이터베이스의 일관된 사본을 만듭니다."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="사본 파일 (기본: backups/ainews-<시각>.<확장자>)")

    def handle(self, *args, **options):
        vendor = connection.vendor
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        default = Path("backups") / f"ainews-{stamp}.{'sqlite3' if vendor == 'sqlite' else 'dump'}"
        target = Path(options["path"] or default)
        target.parent.mkdir(parents=True, exist_ok=True)
        if vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(target) as copy:
                connection.connection.backup(copy, pages=1024)
            copy.close()
        elif vendor == "postgresql":
            settings = connection.settings_dict
            command = ["pg_dump", "-Fc", "-f", str(target), "-h", settings["HOST"] or "localhost"]
            command += ["-p", str(settings["PORT"] or 5432), "-U", settings["USER"], settings["NAME"]]
            env = {"PGPASSWORD": settings["PASSWORD"] or ""}
            result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
            if result.returncode:
                raise CommandError(f"pg_dump 실패: {result.stderr.strip()}")
        else:
            raise CommandError(f"{vendor} 데이터베이스는 지원하지 않습니다.")
        size = target.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"백업을 만들었습니다: {target} ({size / 1024 / 1024:.1f} MB)"))

"""The production configuration: `check --deploy` is clean, /healthz answers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x8#Lq2!vN7@pR4$tZ9%wK3^mB6&hJ1*cF5(dG0)sA-yE_uT+iO=oP[nM]lQ",
    "DJANGO_ALLOWED_HOSTS": "board.example.kr",
}


def test_production_settings_pass_check_deploy_with_no_warning():
    env = {**os.environ, **PRODUCTION_ENV}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_healthz_answers_200_when_database_and_cache_work(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_answers_503_when_the_cache_is_down(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    # /healthz makes a real round trip: ping() past the breaker where the cache has one
    # (Redis), else a set and a get.
    monkeypatch.setattr(cache, "ping", broken, raising=False)
    monkeypatch.setattr(cache, "set", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"] == "error: ConnectionError"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import connection

    def broken(*args, **kwargs):
        raise ConnectionError("database down")

    monkeypatch.setattr(connection, "cursor", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "error: ConnectionError"


def test_every_page_carries_a_content_security_policy_without_inline_scripts(client, db):
    response = client.get("/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())

    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_template_has_an_inline_script():
    import re

    for template in (ROOT / "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            assert "src=" in tag, f"{template}: {tag}"

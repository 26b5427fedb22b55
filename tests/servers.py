"""Real gunicorn servers with the production settings, and a browser with its own cookies,
shared by the tests that drive the site over HTTP (test_multinode, test_concurrency,
test_input_limits).

Nothing here imports Django: the load clients of test_concurrency import this module in
fresh processes.
"""

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "shared-secret-of-the-test-servers-0123456789-abcdefghijklmnopqrstuvwxyz"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def collect_static(root):
    """The hashed static files the production settings need (the manifest)."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "collect", "STATIC_ROOT": str(root)}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return root


def production_env(*, database_url, static_root, media_root, **overrides):
    """The environment of `make serve`: DEBUG off, plain HTTP on loopback, no access log."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        "GUNICORN_ACCESS_LOG": "",
        # Members made by the tests write at once; tests/accounts turns confirmation on.
        "ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION": "0",
        **overrides,
    }


def database_url(database):
    """DATABASE_URL for a Django DATABASES entry (the test database pytest-django made)."""
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    user = database["USER"] or "postgres"
    return f"postgres://{user}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


def manage(env, *args, check=True, timeout=300):
    """`python manage.py …` with a server's settings; the finished process (output as text)."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return result


def django_json(command, env):
    """`python -m tests.load prepare|report` with a server's settings: its JSON output."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.load", command],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


class Gunicorn:
    """`gunicorn -c config/gunicorn.py config.wsgi` on a free loopback port; its error log
    (gunicorn's and Django's) goes to `log_path`."""

    def __init__(self, env, log_path):
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")  # noqa: SIM115  (closed in stop())
        command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "-b", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(
            [*command, "config.wsgi"], cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self):
        return self.process.pid

    def wait_until_healthy(self, workers=None):
        """Until /healthz answers (and, if asked, that many workers are running)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log()}"
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200 and (workers is None or len(self.worker_pids()) == workers):
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.base} did not become healthy:\n{self.log()}")

    def worker_pids(self):
        """The master's children, from /proc (Linux)."""
        pids = set()
        for children in Path(f"/proc/{self.pid}/task").glob("*/children"):
            pids.update(int(pid) for pid in children.read_text().split())
        return pids

    def log(self):
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        finally:
            self._log.close()


class S3Server:
    """An S3-compatible server on a free loopback port: moto in server mode, standing in
    for MinIO or a cloud bucket (the endpoint that MEDIA_S3_ENDPOINT_URL names)."""

    def __init__(self, log_path):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            assert self.process.poll() is None, self.log_path.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2):  # noqa: S310
                    return
            except OSError:
                assert time.monotonic() < deadline, f"moto did not start:\n{self.log_path.read_text()}"
                time.sleep(0.1)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        finally:
            self._log.close()


@dataclass
class Response:
    status: int
    text: str
    headers: dict

    def json(self):
        return json.loads(self.text)


class Browser:
    """One reader's cookies, used against any server. Redirects are not followed: the
    tests read the Location."""

    def __init__(self, timeout=20):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.timeout = timeout

    def get(self, url, headers=None):
        return self._open(urllib.request.Request(url, headers=headers or {}))

    def post(self, url, data, form_url=None, files=None):
        """Post a form as a person does: open the page, take its CSRF token, submit.
        `files` ({field: [(name, bytes, content type), …]}) sends it as multipart."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(form_url or url).text).group(1)
        fields = {**data, "csrfmiddlewaretoken": token}
        headers = {"Referer": form_url or url}
        if files is None:
            body = urllib.parse.urlencode(fields).encode()
        else:
            body, headers["Content-Type"] = multipart(fields, files)
        return self._open(urllib.request.Request(url, data=body, headers=headers))

    def send(self, url, data, headers=None):
        """Post with the CSRF cookie already held, as the page's script does (X-CSRFToken)."""
        body = urllib.parse.urlencode(data).encode()
        headers = {"X-CSRFToken": self.cookie("csrftoken") or "", "Referer": url, **(headers or {})}
        return self._open(urllib.request.Request(url, data=body, headers=headers))

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def set_cookie(self, name, value, host="127.0.0.1"):
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
            )
        )

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Response(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(errors="replace"), dict(error.headers))


def multipart(fields, files):
    """A multipart/form-data body as a browser sends one: (body, content type)."""
    boundary = "----ainews-test-" + os.urandom(8).hex()
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, uploads in files.items():
        for filename, content, content_type in uploads:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            parts.append(f"{head}Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class RedisServer:
    """A private redis-server on a free loopback port, to be killed, frozen and started
    again by fault tests (the machine's shared Redis is never touched)."""

    def __init__(self, log_path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = Path(log_path)
        self.process = None
        self.start()

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"redis-server on {self.port} did not start")

    def kill(self):
        self.process.kill()
        self.process.wait()

    def freeze(self):
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.thaw()
            self.process.kill()
            self.process.wait()


class PostgresServer:
    """A private PostgreSQL cluster (initdb as the postgres user) on a free port, to be
    stopped and started again by fault tests; the machine's shared server is never touched."""

    BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)

    def __init__(self):
        self.port = free_port()
        # Outside pytest's folders, which only root may enter; the server runs as postgres.
        self.directory = Path(tempfile.mkdtemp(prefix="ainews-pg-"))
        shutil.chown(self.directory, "postgres")
        self.data = self.directory / "data"
        self._as_postgres(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--locale=C.UTF-8", "-E", "UTF8"
        )
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/ainews"
        self.start()
        self._as_postgres("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "ainews")

    def _as_postgres(self, program, *args):
        command = ["runuser", "-u", "postgres", "--", str(self.BIN / program), *args]
        subprocess.run(command, check=True, capture_output=True, cwd=self.directory)

    def start(self):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "log")
        self._as_postgres("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self):
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self):
        pg_ctl = str(self.BIN / "pg_ctl")
        command = ["runuser", "-u", "postgres", "--", pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"]
        subprocess.run(command, capture_output=True, check=False)
        shutil.rmtree(self.directory, ignore_errors=True)

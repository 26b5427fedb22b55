"""How long 로그인 and 회원가입 take because of password hashing (issue 14, point 17).

    python bench/password_hashing.py                          # the hasher alone
    python bench/password_hashing.py --base http://127.0.0.1:8000 --username xtalfi --password demo-pass-1234

The first part times the configured hasher (settings' PASSWORD_HASHERS, Django's default
list unless set): one make_password (회원가입) and one check_password (로그인), the median of
several. With --base it also times whole login requests against a running site (`make
serve`), a GET of the form and the POST, and a wrong password (the same single hash: an
unknown username costs one hash too, Django's timing defence). docs/performance.md keeps
the figures.
"""

import argparse
import http.cookiejar
import os
import re
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def timed(function, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), max(times)


def hasher_figures(repeat):
    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, get_hasher, make_password

    hasher = get_hasher()
    iterations = getattr(hasher, "iterations", None)
    print(f"Django {django.get_version()}, hasher {hasher.algorithm}, work factor {iterations}")
    print(f"Django's default PBKDF2 work factor: {PBKDF2PasswordHasher.iterations}")
    encoded = make_password("correct-horse-battery")
    for label, function in (
        ("make_password (회원가입)", lambda: make_password("correct-horse-battery")),
        ("check_password (로그인)", lambda: check_password("correct-horse-battery", encoded)),
    ):
        median, low, high = timed(function, repeat)
        print(f"{label}: median {median * 1000:.0f} ms (min {low * 1000:.0f}, max {high * 1000:.0f}, n={repeat})")


def login_figures(base, username, password, repeat):
    def attempt(secret):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        with opener.open(f"{base}/accounts/login/") as response:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": secret, "next": "/"}
        ).encode()
        request = urllib.request.Request(f"{base}/accounts/login/", data=body, headers={"Referer": base})
        try:
            with opener.open(request) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    # Few wrong ones: five failures from one address lock it for a while.
    for label, secret, times in (
        ("login request, right password", password, repeat),
        ("login request, wrong password", "x" * 12, min(repeat, 3)),
    ):
        median, low, high = timed(lambda secret=secret: attempt(secret), times)
        print(f"{label}: median {median * 1000:.0f} ms (min {low * 1000:.0f}, max {high * 1000:.0f}, n={times})")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--base", help="a running site, e.g. http://127.0.0.1:8000 (make serve)")
    parser.add_argument("--username", default="xtalfi")
    parser.add_argument("--password", default="demo-pass-1234")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    hasher_figures(args.repeat)
    if args.base:
        login_figures(args.base.rstrip("/"), args.username, args.password, args.repeat)


if __name__ == "__main__":
    main()

"""Every response the application writes carries the security headers of a page (issue 18,
point 3): a 400 that a middleware returns before the view, error pages, a CSRF refusal,
rate limits, redirects and the 500 page.

The application writes no 413: Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE
with its 400 (below); a 413 comes only from nginx's client_max_body_size (docs/deploy.md).
"""

import pytest
from django.conf import settings as django_settings
from django.test import Client

HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
]


@pytest.fixture
def production(settings):
    """HTTPS as in production, so Strict-Transport-Security is compared too."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    return settings


class HttpsClient(Client):
    def generic(self, *args, **kwargs):
        return super().generic(*args, **{**kwargs, "secure": True})


@pytest.fixture
def site(make_user, make_post, author):
    return {"member": make_user(username="member"), "post": make_post(author=author)}


def as_member(client, site):
    client.force_login(site["member"])
    return client


def page_of(post):
    return f"/b/ainews/{post.pk}/"


CASES = {
    "200 a page": lambda c, s: c.get("/"),
    "200 a feed": lambda c, s: c.get("/feed/"),
    "200 robots.txt": lambda c, s: c.get("/robots.txt"),
    "301 a missing slash": lambda c, s: c.get("/b/ainews"),
    "302 login required": lambda c, s: c.get("/b/ainews/write/"),
    "302 after a write": lambda c, s: as_member(c, s).post(page_of(s["post"]) + "comments/", {"body": "댓글"}),
    "400 NUL in the link": lambda c, s: c.get("/search/?q=%00"),
    "400 form not UTF-8": lambda c, s: c.post(
        "/accounts/login/", b"username=%FF%FE", content_type="application/x-www-form-urlencoded"
    ),
    "400 body too big": lambda c, s: c.post(
        "/accounts/login/",
        "username=" + "a" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        content_type="application/x-www-form-urlencoded",
    ),
    "400 unknown host": lambda c, s: c.get("/", headers={"host": "evil.example"}),
    "400 a refused form": lambda c, s: as_member(c, s).post(page_of(s["post"]) + "comments/", {"body": ""}),
    "400 JSON": lambda c, s: as_member(c, s).post(
        page_of(s["post"]) + "vote/", {"value": "x"}, headers={"accept": "application/json"}
    ),
    "403 not allowed": lambda c, s: as_member(c, s).get(page_of(s["post"]) + "edit/"),
    "403 CSRF": lambda c, s: HttpsClient(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "a", "password": "b"}
    ),
    "404 no such page": lambda c, s: c.get("/no-such-page/"),
    "404 no such post": lambda c, s: c.get("/b/ainews/999999/"),
    "405 wrong method": lambda c, s: c.get("/accounts/logout/"),
    "409 reported twice": lambda c, s: [
        as_member(c, s).post(page_of(s["post"]) + "report/", {"reason": "spam"}) for _ in range(2)
    ][-1],
    "429 too many posts": lambda c, s: as_member(c, s).post("/b/ainews/write/", {"title": "제목", "body": "본문"}),
    "429 login locked": lambda c, s: c.post("/accounts/login/", {"username": "member", "password": "x"}),
    "500 a bug": lambda c, s: HttpsClient(raise_request_exception=False).get("/fail/"),
}


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize("case", CASES)
def test_every_response_carries_the_security_headers_of_a_page(production, site, case):
    production.BOARD_RATE_LIMITS = {"post": (0, 60), "comment": (100, 60), "vote": (100, 60)}
    production.AXES_FAILURE_LIMIT = 1  # the first wrong password locks (django-axes)
    client = HttpsClient()
    page = client.get("/")
    expected = {name: page.get(name) for name in HEADERS}
    assert page.status_code == 200 and None not in expected.values(), expected

    response = CASES[case](client, site)

    assert response.status_code == int(case.split()[0]), response.content[:300]
    assert {name: response.get(name) for name in HEADERS} == expected


@pytest.mark.urls("tests.error_urls")
def test_the_redirect_to_https_carries_them_too(client, production, db):
    page = client.get("/", secure=True)

    response = client.get("/")

    assert response.status_code == 301 and response["Location"] == "https://testserver/"
    # Strict-Transport-Security is sent over HTTPS only, as browsers ignore it over HTTP.
    assert {name: response.get(name) for name in HEADERS[:-1]} == {name: page.get(name) for name in HEADERS[:-1]}
    assert "Strict-Transport-Security" not in response


def test_the_policy_is_the_one_the_settings_give_after_they_change(client, settings, db):
    # The header is built once per process (config/csp.py): new settings must build it again.
    assert "img-src 'self' https:" in client.get("/robots.txt")["Content-Security-Policy"]
    directives = django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "img-src": ["'self'"]}}

    policy = client.get("/robots.txt")["Content-Security-Policy"]

    # Directives in whatever order django-csp gives them (it varied between processes).
    sent = dict(directive.strip().partition(" ")[::2] for directive in policy.split(";") if directive.strip())
    assert sent["img-src"] == "'self'" and "https:" not in policy
    assert sent["script-src"] == "'self'"


def test_a_view_that_changes_its_policy_gets_its_own(rf):
    from csp.decorators import csp_update
    from django.http import HttpResponse

    from config.csp import CSPMiddleware

    @csp_update({"img-src": ["https://pictures.example"]})
    def view(request):
        return HttpResponse("그림")

    middleware = CSPMiddleware(view)
    changed = middleware(rf.get("/"))
    plain = CSPMiddleware(lambda request: HttpResponse("글"))(rf.get("/"))

    assert "https://pictures.example" in changed["Content-Security-Policy"]
    assert "https://pictures.example" not in plain["Content-Security-Policy"]

"""C0/C1 control characters (issue 18, point 1).

One title holding "\\x01" once made every feed of the site answer 500 until 30 newer posts
pushed it out. Now every text field of every form refuses them with a Korean message
(multi-line text keeps tab and line breaks), the feeds strip whatever still gets through,
and a migration cleaned the rows written before.
"""

import importlib
import inspect
import pkgutil
import re
from types import SimpleNamespace

import feedparser
import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import DataError, connection, transaction
from django.test import RequestFactory
from django.urls import get_resolver
from taggit.models import Tag, TaggedItem

import accounts
import board
from accounts.models import User
from board import feeds, markup
from board.forms import ControlCharacterValidator
from board.models import Board, Comment, ModerationLog, Post, Report, SearchTerm

CONTROL_CODES = [*range(0x00, 0x20), *range(0x7F, 0xA0)]
MESSAGE = "제어 문자"
FORBIDDEN_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --- The rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", CONTROL_CODES, ids=lambda code: f"U+{code:04X}")
def test_every_control_character_is_refused_in_one_line_text(code):
    with pytest.raises(forms.ValidationError) as refused:
        ControlCharacterValidator(multiline=False)(f"제목{chr(code)}끝")

    assert MESSAGE in refused.value.messages[0] and f"U+{code:04X}" in refused.value.messages[0]


@pytest.mark.parametrize("code", CONTROL_CODES, ids=lambda code: f"U+{code:04X}")
def test_multi_line_text_keeps_only_tab_and_line_breaks(code):
    validator = ControlCharacterValidator(multiline=True)
    text = f"첫 줄{chr(code)}둘째 줄"

    if chr(code) in "\t\n\r":
        validator(text)
    else:
        with pytest.raises(forms.ValidationError):
            validator(text)


def test_hangul_punctuation_and_emoji_are_not_control_characters():
    ControlCharacterValidator(multiline=False)("강화학습·LLM — “인용” ‘따옴표’ … 😀 \u00a0 \u00ff \ufffd")


# --- Every form has the check ------------------------------------------------------------


def site_form_classes():
    """Every form class defined in board/ and accounts/, the forms Django's own views get
    from the URLconf, and the admin's forms for the models of both apps."""
    found = set()
    for package in (board, accounts):
        for module_info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__.startswith(package.__name__ + ".")
                ):
                    found.add(value)
    for callback in url_callbacks(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        if view_class is not None and hasattr(view_class, "get_form_class"):
            found.add(view_class(**callback.view_initkwargs).get_form_class())
    return found


def url_callbacks(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from url_callbacks(pattern.url_patterns)
        else:
            yield pattern.callback


def admin_form_classes(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    found = {}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"board", "accounts"}:
            continue
        found[f"admin {model.__name__} add"] = model_admin.get_form(request, None)
        found[f"admin {model.__name__} change"] = model_admin.get_form(request, superuser)
    return found


def is_abstract(form_class):
    return issubclass(form_class, forms.ModelForm) and form_class._meta.model is None


def build(form_class, member, data=None):
    """An instance of any form of the site. A new form whose constructor needs something
    else than these makes the test fail: say here how to build it."""
    arguments = {}
    for name, parameter in list(inspect.signature(form_class.__init__).parameters.items())[1:]:
        if (
            parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
            or parameter.default is not parameter.empty
        ):
            continue
        if name == "user":
            arguments[name] = member
        elif name == "owner":  # the post form: whose pictures it may use, and its board
            arguments[name] = member
        elif name == "board":
            arguments[name] = Board.objects.first() or Board.objects.create(slug="ainews", name="AI 뉴스")
        else:
            pytest.fail(f"{form_class.__name__}({name}=…): add how to build it to tests/test_control_characters.py")
    return form_class(data=data, **arguments)


def text_fields(form):
    """The fields a person types text into (passwords are hashed, never shown or stored)."""
    return {
        name: field
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
    }


@pytest.fixture
def every_form(db, make_user):
    superuser = make_user(username="root", is_superuser=True, is_staff=True)
    named = {f"{cls.__module__}.{cls.__name__}": cls for cls in site_form_classes() if not is_abstract(cls)}
    return superuser, {**named, **admin_form_classes(superuser)}


def test_the_walk_finds_the_forms_of_both_apps_and_the_admin(every_form):
    _, found = every_form

    names = {name.rsplit(".", 1)[-1] for name in found}
    assert {"PostForm", "CommentForm", "ReportForm", "ModerationForm", "MoveForm"} <= names
    assert {"SignupForm", "LoginForm", "ProfileForm", "WithdrawForm", "ResetRequestForm", "NewPasswordForm"} <= names
    assert {"admin Post change", "admin Comment change", "admin Board add", "admin User change"} <= names


@pytest.mark.parametrize(
    "value", ["가\x01나", "가\x9f나", "가\x7f나", "가\t나"], ids=["U+0001", "U+009F", "DEL", "tab"]
)
def test_every_text_field_of_every_form_refuses_control_characters(every_form, value):
    superuser, found = every_form
    missed = []
    for name, form_class in sorted(found.items()):
        probe = build(form_class, superuser)
        fields = text_fields(probe)
        form = build(form_class, superuser, data={probe.add_prefix(field): value for field in fields})
        form.is_valid()
        for field_name, field in fields.items():
            errors = " ".join(form.errors.get(field_name, []))
            multiline = isinstance(field.widget, forms.Textarea)
            if value == "가\t나" and multiline:
                if MESSAGE in errors:
                    missed.append(f"{name}.{field_name} refused a tab in multi-line text")
            elif MESSAGE not in errors:
                missed.append(f"{name}.{field_name} took {value!r}: {errors or 'no error'}")
    assert missed == []


def test_multi_line_fields_keep_tabs_and_the_line_breaks_browsers_send(every_form):
    superuser, found = every_form
    checked = []
    for name, form_class in sorted(found.items()):
        probe = build(form_class, superuser)
        multiline = [f for f, field in text_fields(probe).items() if isinstance(field.widget, forms.Textarea)]
        form = build(form_class, superuser, data={probe.add_prefix(f): "첫 줄\r\n\t둘째 줄" for f in multiline})
        form.is_valid()
        for field_name in multiline:
            assert MESSAGE not in " ".join(form.errors.get(field_name, [])), (name, field_name)
            checked.append(f"{name}.{field_name}")
    assert {"board.forms.PostForm.body", "board.forms.CommentForm.body", "board.forms.ReportForm.detail"} <= set(
        checked
    )


# --- Through the site: a Korean message, a 400, nothing saved ------------------------------


@pytest.fixture
def site(make_user, make_post, make_comment, author):
    member = make_user(username="member", nickname="회원")
    moderator = make_user(username="mod", nickname="운영자", is_staff=True)
    moderator.groups.add(Group.objects.get(name="운영진"))
    other = make_post(title="남의 글", author=author)
    return SimpleNamespace(
        member=member,
        moderator=moderator,
        own=make_post(title="내 글", author=member),
        other=other,
        comment=make_comment(other, body="내 댓글", author=member),
    )


def saved():
    return (
        list(Post.objects.order_by("pk").values_list("title", "body", "source_url", "is_hidden")),
        list(Comment.objects.order_by("pk").values_list("body", flat=True)),
        list(Tag.objects.order_by("pk").values_list("name", flat=True)),
        list(Report.objects.values_list("detail", flat=True)),
        ModerationLog.objects.count(),
        list(User.objects.order_by("pk").values_list("username", "nickname", "email")),
    )


SIGNUP = {"username": "newbie", "nickname": "새내기", "email": "new@example.com", "password1": "x8#Lq2!vN7@pR4$t"}
SIGNUP.update(password2=SIGNUP["password1"], agree_terms="on", agree_privacy="on")
POST = {"title": "제목", "body": "본문", "tags_text": "", "source_url": ""}

# (who, url, data with {c} where the control character goes)
FIELDS = {
    "title": ("member", "/b/ainews/write/", {**POST, "title": "ctl{c}title"}),
    "edit title": ("member", "/b/ainews/{own}/edit/", {**POST, "title": "제{c}목"}),
    "body": ("member", "/b/ainews/write/", {**POST, "body": "본{c}문"}),
    "tags": ("member", "/b/ainews/write/", {**POST, "tags_text": "LLM, 태{c}그"}),
    "source URL": ("member", "/b/ainews/write/", {**POST, "source_url": "https://example.com/a{c}b"}),
    "comment": ("member", "/b/ainews/{other}/comments/", {"body": "댓{c}글"}),
    "comment edit": ("member", "/comments/{comment}/edit/", {"body": "댓{c}글"}),
    "report detail": ("member", "/b/ainews/{other}/report/", {"reason": "other", "detail": "사{c}유"}),
    "moderation reason": ("moderator", "/b/ainews/{other}/moderate/", {"action": "hide", "reason": "사{c}유"}),
    "comment moderation reason": (
        "moderator",
        "/comments/{comment}/moderate/",
        {"action": "hide", "reason": "사{c}유"},
    ),
    "profile nickname": ("member", "/accounts/me/profile/", {"nickname": "회{c}원", "email": "m@example.com"}),
    "signup nickname": ("anonymous", "/accounts/signup/", {**SIGNUP, "nickname": "새{c}내기"}),
    "login username": ("anonymous", "/accounts/login/", {"username": "mem{c}ber", "password": "x"}),
}
CHARACTERS = {"U+0001": "\x01", "ESC": "\x1b", "DEL": "\x7f", "U+0085": "\x85", "U+009F": "\x9f"}


def errors_shown(response):
    html = response.content.decode()
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    found += re.findall(r'role="alert">(.*?)</', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", item) for item in found)


@pytest.mark.parametrize("character", CHARACTERS.values(), ids=CHARACTERS.keys())
@pytest.mark.parametrize("case", FIELDS)
def test_control_characters_are_refused_in_korean_in_every_field_and_nothing_is_saved(client, site, case, character):
    who, url, data = FIELDS[case]
    if who != "anonymous":
        client.force_login(getattr(site, who))
    url = url.format(own=site.own.pk, other=site.other.pk, comment=site.comment.pk)
    data = {key: value.replace("{c}", character) for key, value in data.items()}
    before = saved()

    response = client.post(url, data)

    assert response.status_code == 400
    assert MESSAGE in errors_shown(response), errors_shown(response)
    assert saved() == before


def test_the_search_box_takes_control_characters_as_spaces(client, make_post):
    make_post(title="강화학습 입문")

    response = client.get("/search/", {"q": "강화\x01학습"})

    assert response.status_code == 200
    assert "\x01" not in response.content.decode()
    assert not SearchTerm.objects.filter(term__contains="\x01").exists()


# --- Feeds stay up whatever is stored ------------------------------------------------------


@pytest.fixture
def poisoned(board, make_user):
    """One post per control character, written past the forms as old rows were: in the
    title, body, stored HTML, a tag and the author's nickname. PostgreSQL never stored NUL
    in text (it refuses it), so there that post cannot exist and the test says so."""
    posts = {}
    for code in CONTROL_CODES:
        c = chr(code)
        if code == 0 and connection.vendor == "postgresql":
            with pytest.raises(DataError), transaction.atomic():
                Post.objects.create(board=board, title="ctl\x00title", body="본문")
            continue
        author = make_user(username=f"ctl{code:02x}", nickname=f"회원{c}{code:02x}")
        post = Post.objects.create(board=board, author=author, title="제목", body="본문")
        Post.objects.filter(pk=post.pk).update(
            title=f"ctl{c}title {code:02x}",
            body=f"본문{c}끝",
            body_html=f"<p>본문{c}끝</p>",
            excerpt=f"본문{c}끝",
        )
        post.tags.add(f"태그{c}{code:02x}")
        posts[code] = post
    return posts


def feed_urls(posts):
    urls = ["/feed/", "/feed/atom/", "/b/ainews/feed/", "/b/ainews/feed/atom/"]
    for tag in Tag.objects.filter(taggit_taggeditem_items__object_id__in=[p.pk for p in posts.values()]):
        urls += [f"/tags/{tag.slug}/feed/", f"/tags/{tag.slug}/feed/atom/"]
    return urls


def test_every_feed_parses_with_a_post_for_each_control_character(client, poisoned, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_ITEMS", 100)  # every poisoned post in the site and board feeds
    urls = feed_urls(poisoned)
    assert len(urls) == 4 + 2 * len(poisoned)

    for url in urls:
        response = client.get(url)
        feed = feedparser.parse(response.content)

        assert response.status_code == 200, url
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        expected = 1 if "/tags/" in url else len(poisoned)
        assert len(feed.entries) == expected, url
        for entry in feed.entries:
            texts = [entry.title, entry.author, entry.summary, *(tag.term for tag in entry.tags)]
            assert not any(FORBIDDEN_IN_XML.search(text) for text in texts), (url, texts)
            assert entry.title.startswith("ctl") and entry.title.endswith("title " + entry.tags[0].term[-2:])


# --- Old rows ----------------------------------------------------------------------------


def run_migration(app, name, function):
    module = importlib.import_module(f"{app}.migrations.{name}")
    getattr(module, function)(django_apps(), SimpleNamespace(connection=connection))


def django_apps():
    from django.apps import apps

    return apps


def test_the_migration_cleans_old_rows(board, make_user, make_post, make_comment, author):
    c = "\x01\x1b\x85"
    post = make_post(title="제목", body="본문")
    Post.objects.filter(pk=post.pk).update(
        title=f"옛{c} 제목\t끝",
        body=f"본{c}문\r\n둘째 줄",
        body_html=f"<p>본{c}문</p>",
        excerpt=f"본{c}문",
        source_url='https://example.com/a b"<c>`d\x01',
    )
    picture = make_post(title="그림 글", body="그림")
    Post.objects.filter(pk=picture.pk).update(
        body="![x](/media/%2e%2e/search/?q=조작)", body_html='<p><img alt="x" src="/media/%2e%2e/search/?q=조작"></p>'
    )
    comment = make_comment(post, body="댓글")
    Comment.objects.filter(pk=comment.pk).update(body=f"댓{c}글", body_html=f"<p>댓{c}글</p>")
    post.tags.add("LLM", f"태{c}그")
    twin = make_post(title="쌍둥이")
    twin.tags.add("AI", f"A{c}I")  # cleans to a tag it already has
    other = make_post(title="다른 글")
    other.tags.add(f"A{c}I")  # cleans to a tag that exists elsewhere
    reporter = make_user()
    Report.objects.create(reporter=reporter, post=post, reason="other", detail=f"사{c}유\n자세히")
    ModerationLog.objects.create(
        action="hide_post", target_type="post", target_id=post.pk, target_title=f"옛{c}", reason=f"사{c}유"
    )
    member = make_user(nickname="깨끗한")
    User.objects.filter(pk=member.pk).update(nickname=f"닉{c}네임")
    make_user(nickname="크리스")
    for n, c2 in enumerate("\x01\x02"):  # both clean to the 크리스 another member has
        clash = make_user(nickname=f"임시{n}")
        User.objects.filter(pk=clash.pk).update(nickname=f"크리{c2}스")

    run_migration("board", "0012_strip_control_characters", "clean")
    run_migration("accounts", "0003_strip_control_characters", "clean_nicknames")

    post.refresh_from_db()
    assert (post.title, post.body, post.excerpt) == ("옛 제목 끝", "본문\r\n둘째 줄", "본문 둘째 줄")
    assert post.body_html == "<p>본문<br>\n둘째 줄</p>"
    assert post.source_url == "https://example.com/a%20b%22%3Cc%3E%60d"
    picture.refresh_from_db()
    assert "<img" in picture.body_html and "src" not in picture.body_html
    comment.refresh_from_db()
    assert (comment.body, comment.body_html) == ("댓글", "<p>댓글</p>")
    assert sorted(post.tags.names()) == ["LLM", "태그"]
    assert sorted(twin.tags.names()) == ["AI"] and sorted(other.tags.names()) == ["AI"]
    assert not Tag.objects.filter(name__regex=r"[\x01-\x1f\x7f-\x9f]").exists()
    assert TaggedItem.objects.filter(tag__name="AI").count() == 2
    assert Report.objects.get().detail == "사유\n자세히"
    assert (ModerationLog.objects.get().target_title, ModerationLog.objects.get().reason) == ("옛", "사유")
    nicknames = set(User.objects.values_list("nickname", flat=True))
    assert "닉네임" in nicknames and "크리스" in nicknames
    assert not any(FORBIDDEN_IN_XML.search(name) or "\t" in name for name in nicknames)
    assert len({name.casefold() for name in nicknames}) == User.objects.count()


def test_markup_never_stores_control_characters_even_from_entities():
    html = markup.render_post("제목 &#1; 끝\x85 \x7f [링크](https://example.com/&#1;)")

    assert not FORBIDDEN_IN_XML.search(html)
    assert not FORBIDDEN_IN_XML.search(markup.excerpt_from_html("<p>a&#1;b\x7fc</p>", 120))

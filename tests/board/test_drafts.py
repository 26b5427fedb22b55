"""Writing without rough edges (issue 14, points 1–4): previews and refusals that do not
use up the posting limit, a 429 that keeps the form, pictures kept across 미리보기 and
shown in it, the edit form's image list, and the same 원문 posted twice."""

import io
import re
import socket
from datetime import timedelta
from unittest.mock import patch

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from board import ratelimit, services, source_urls
from board.models import PendingImage, Post, PostImage
from config.redis_cache import ReusingRedisCache
from tests.conftest import image_file, main_text, page_text

WRITE = "/b/ainews/write/"


@pytest.fixture
def member(make_user):
    return make_user(username="writer", nickname="글쓴이")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def post_data(**overrides):
    data = {"title": "새 모델 소식", "body": "본문입니다.", "tags_text": "", "source_url": ""}
    data.update(overrides)
    return data


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- 1. The posting limit counts only accepted posts --------------------------------------


def test_previews_and_refused_posts_do_not_use_up_the_posting_limit(member_client, settings, board, mid_window):
    # Before: each preview and each refused form counted, so after five previews 등록하기
    # got the 429 page.
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "post": (2, 600)}
    previews = [member_client.post(WRITE, post_data(preview="1")).status_code for _ in range(5)]
    refused = [member_client.post(WRITE, post_data(title="")).status_code for _ in range(3)]

    accepted = [member_client.post(WRITE, post_data(title=f"글 {i}")).status_code for i in range(2)]
    over = member_client.post(WRITE, post_data(title="세 번째 글"))

    assert previews == [200] * 5 and refused == [400] * 3
    assert accepted == [302, 302]
    assert over.status_code == 429
    assert Post.objects.count() == 2


def test_a_429_keeps_the_form_its_text_and_pictures_with_the_message_above(member_client, member, settings, board):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "post": (0, 600)}

    response = member_client.post(
        WRITE,
        post_data(title="막힌 글의 제목", body="막힌 글의 긴 본문", tags_text="LLM", images=[image_file("사진.png")]),
    )

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    # Before: the error page with only 홈으로 가기; the text was gone.
    assert 'value="막힌 글의 제목"' in html and "막힌 글의 긴 본문</textarea>" in html and 'value="LLM"' in html
    message = html.index("너무 자주 요청했습니다.")
    assert "쓴 내용과 고른 이미지는 아래에 그대로 있습니다." in page_text(response)
    assert message < html.index(f'<form method="post" action="{WRITE}"')
    kept = PendingImage.objects.get(owner=member)
    assert f'value="{kept.token}"' in html and kept.thumbnail.url in html
    assert not Post.objects.exists()


def test_a_refused_or_limited_comment_does_not_count_and_keeps_its_text(client, make_user, make_post, settings):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "comment": (1, 600)}
    reader = make_user()
    client.force_login(reader)
    post = make_post()
    url = f"/b/ainews/{post.pk}/comments/"

    assert client.post(url, {"body": "   "}).status_code == 400  # refused: not counted
    assert client.post(url, {"body": "첫 댓글"}).status_code == 302
    limited = client.post(url, {"body": "두 번째로 쓴 긴 댓글"})

    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    html = limited.content.decode()
    assert ">두 번째로 쓴 긴 댓글</textarea>" in html
    assert html.index("너무 자주 요청했습니다.") < html.index('id="id_body"')
    assert post.comments.count() == 1


def test_counted_write_gives_its_slot_back_when_refused_or_when_the_write_fails(settings, mid_window):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "post": (1, 600)}

    with pytest.raises(RuntimeError), ratelimit.counted_write("post", 7):
        raise RuntimeError("the save failed")
    with ratelimit.counted_write("post", 7):
        pass  # the failed write gave its slot back
    for _ in range(3):
        with pytest.raises(ratelimit.RateLimited):
            with ratelimit.counted_write("post", 7):
                pass
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "post": (2, 600)}
    with ratelimit.counted_write("post", 7):
        pass  # the three refusals took nothing: the second slot is free


@pytest.mark.redis
def test_a_rate_limit_counts_in_redis_with_its_window_as_expiry(settings, mid_window):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "post": (2, 600)}
    key = ratelimit._window("post", 8)[-1]

    assert [ratelimit.seconds_until_allowed("post", 8) for _ in range(3)] == [0, 0, 570]
    assert cache.get(key) == 3
    client = cache._cache.get_client(write=True)
    assert 600 < client.ttl(cache.make_and_validate_key(key)) <= 605  # the window, and 5 s


@pytest.mark.redis
def test_a_rate_limit_lets_members_write_when_redis_does_not_answer(settings, mid_window):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "post": (1, 600)}
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens there once the socket is closed
    unreachable = ReusingRedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    with patch.object(ratelimit, "cache", unreachable):
        assert [ratelimit.seconds_until_allowed("post", 9) for _ in range(3)] == [0, 0, 0]
    assert not unreachable.available()  # the breaker opened: later counts skip Redis


# --- 2. Pictures across 미리보기, [이미지N] in it, the preview where the member looks -----


def test_preview_keeps_the_chosen_picture_shows_it_in_place_and_posting_uses_it(member_client, member, board):
    preview = member_client.post(
        WRITE, post_data(body="첫 문단\n\n[이미지1]\n\n끝 문단", preview="1", images=[image_file("도표.png")])
    )

    assert preview.status_code == 200
    kept = PendingImage.objects.get()
    assert kept.owner == member and kept.original_name == "도표.png"
    html = preview.content.decode()
    shown = html[html.index('id="preview"') : html.index(f'<form method="post" action="{WRITE}"')]
    # Before: "[이미지1]" as text, and a note to upload the picture again.
    assert "[이미지1]" not in shown
    assert shown.index("첫 문단") < shown.index(f'src="{kept.image.url}"') < shown.index("끝 문단")
    assert "다시 올려야" not in page_text(preview)
    assert not Post.objects.exists()

    # 등록하기 without choosing the file again.
    response = member_client.post(WRITE, post_data(body="첫 문단\n\n[이미지1]\n\n끝 문단", attached=kept.token))

    assert response.status_code == 302
    post = Post.objects.get()
    image = post.images.get()
    assert (image.image.name, image.thumbnail.name, image.original_name) == (
        kept.image.name,
        kept.thumbnail.name,
        "도표.png",
    )
    assert post.body_html.index("첫 문단") < post.body_html.index(image.image.url) < post.body_html.index("끝 문단")
    assert post.thumbnail_url == image.thumbnail.url
    assert not PendingImage.objects.exists()  # used, so gone


def test_the_preview_comes_above_the_form_and_the_button_lands_on_it(member_client, board):
    response = member_client.post(WRITE, post_data(body="**미리** 봅니다", preview="1"))

    html = response.content.decode()
    # Before: below the whole form, ~1,300 px down on a phone, with no scroll to it.
    assert html.index('id="preview"') < html.index(f'<form method="post" action="{WRITE}"')
    assert 'formaction="/b/ainews/write/#preview"' in html


def test_another_members_pending_picture_cannot_be_used(member_client, make_user, board):
    other = make_user()
    theirs = services.keep_pending_images(owner=other, prepared_images=[prepared("남의사진.png")])[0]

    preview = member_client.post(WRITE, post_data(preview="1", attached=theirs.token))
    response = member_client.post(WRITE, post_data(attached=theirs.token))

    assert theirs.image.url not in preview.content.decode()
    assert response.status_code == 400
    assert "고른 이미지 1장을 찾을 수 없어 뺐습니다" in page_text(response)
    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert PendingImage.objects.get().owner == other


def test_pending_pictures_go_after_a_day_with_their_files(member, settings, board):
    old, fresh = services.keep_pending_images(owner=member, prepared_images=[prepared("옛.png"), prepared("새.png")])
    PendingImage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    call_command("clean_pending_images", stdout=io.StringIO())

    assert list(PendingImage.objects.values_list("original_name", flat=True)) == ["새.png"]
    assert stored_files(settings) == sorted([fresh.image.name, fresh.thumbnail.name])


def test_a_day_old_pending_picture_is_not_used_and_the_member_is_told(member_client, member, board):
    old = services.keep_pending_images(owner=member, prepared_images=[prepared("옛.png")])[0]
    PendingImage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    response = member_client.post(WRITE, post_data(attached=old.token))

    assert response.status_code == 400
    assert "고른 지 24시간이 지나면 지워집니다" in page_text(response)


def prepared(name):
    from board import images

    return images.prepare_upload(image_file(name))


# --- 3. The edit form lists the pictures, with remove and reorder -------------------------


@pytest.fixture
def illustrated(make_post, member):
    """A post with two pictures: [이미지1] after the first paragraph, [이미지2] at the end."""
    return make_post(
        author=member,
        body="앞 문단\n\n[이미지1]\n\n뒷 문단\n\n[이미지2]",
        images=[prepared("첫째.png"), prepared("둘째.png")],
    )


def test_the_edit_form_lists_the_pictures_and_shows_placeholders_in_the_text(member_client, illustrated):
    first, second = illustrated.images.all()

    response = member_client.get(f"/b/ainews/{illustrated.pk}/edit/")

    html = response.content.decode()
    # Before: the pictures were Markdown with /media/ addresses, and not listed anywhere.
    body = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert body.strip() == "앞 문단\n\n[이미지1]\n\n뒷 문단\n\n[이미지2]"
    listing = main_text(response)
    assert listing.index("[이미지1] 첫째.png") < listing.index("[이미지2] 둘째.png")
    assert f'value="{first.token},{second.token}"' in html
    for verb, picture in (("down", first), ("up", second), ("remove", first), ("remove", second)):
        assert f'value="{verb}:{picture.token}"' in html


def test_moving_a_picture_puts_it_in_the_other_place_and_saving_keeps_that(member_client, illustrated):
    first, second = illustrated.images.all()
    url = f"/b/ainews/{illustrated.pk}/edit/"
    text = "앞 문단\n\n[이미지1]\n\n뒷 문단\n\n[이미지2]"

    moved = member_client.post(
        url, post_data(body=text, attached=f"{first.token},{second.token}", picture=f"down:{first.token}")
    )

    assert moved.status_code == 200
    assert f'value="{second.token},{first.token}"' in moved.content.decode()
    assert "수정하기를 눌러야 저장됩니다." in page_text(moved)
    illustrated.refresh_from_db()
    assert illustrated.body_html.index("첫째") < illustrated.body_html.index("둘째")  # nothing saved yet

    member_client.post(url, post_data(body=text, attached=f"{second.token},{first.token}"))

    illustrated.refresh_from_db()
    html = illustrated.body_html
    assert html.index("앞 문단") < html.index(second.image.url) < html.index("뒷 문단") < html.index(first.image.url)
    assert list(illustrated.images.values_list("pk", flat=True)) == [second.pk, first.pk]
    assert illustrated.thumbnail_url == second.thumbnail.url


def test_removing_a_picture_drops_its_placeholder_and_its_files_once_saved(
    member_client, illustrated, settings, django_capture_on_commit_callbacks
):
    first, second = illustrated.images.all()
    url = f"/b/ainews/{illustrated.pk}/edit/"

    removed = member_client.post(
        url,
        post_data(
            body="앞 문단\n\n[이미지1]\n\n뒷 문단\n\n[이미지2]",
            attached=f"{first.token},{second.token}",
            picture=f"remove:{first.token}",
        ),
    )

    html = removed.content.decode()
    body = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    # The second picture keeps its place, renumbered.
    assert body.strip() == "앞 문단\n\n\n\n뒷 문단\n\n[이미지1]"
    assert f'name="attached" value="{second.token}"' in html
    assert PostImage.objects.count() == 2  # not yet saved

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(url, post_data(body=body, attached=second.token))

    illustrated.refresh_from_db()
    assert list(illustrated.images.all()) == [second]
    assert first.image.url not in illustrated.body_html and second.image.url in illustrated.body_html
    assert illustrated.thumbnail_url == second.thumbnail.url
    assert stored_files(settings) == sorted([second.image.name, second.thumbnail.name])


def test_an_edit_sent_without_the_picture_list_keeps_the_pictures(
    member_client, illustrated, settings, django_capture_on_commit_callbacks
):
    """A form that does not carry the list (an old page, a script) changes no picture; only
    our form's empty list takes them all out."""
    files = stored_files(settings)
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(f"/b/ainews/{illustrated.pk}/edit/", post_data(title="고친 제목"))

    assert response.status_code == 302
    assert illustrated.images.count() == 2 and stored_files(settings) == files


def test_a_new_picture_joins_the_list_after_those_already_there(member_client, illustrated):
    first, second = illustrated.images.all()
    url = f"/b/ainews/{illustrated.pk}/edit/"

    response = member_client.post(
        url,
        post_data(body="[이미지3]\n\n본문", attached=f"{first.token},{second.token}", images=[image_file("셋째.png")]),
    )

    assert response.status_code == 302
    third = illustrated.images.get(original_name="셋째.png")
    illustrated.refresh_from_db()
    assert illustrated.body_html.index(third.image.url) < illustrated.body_html.index("본문")
    assert [i.original_name for i in illustrated.images.all()] == ["첫째.png", "둘째.png", "셋째.png"]


def test_the_admins_edit_keeps_the_pictures(illustrated, moderator):
    pictures = list(illustrated.images.all())

    services.edit_post(post=illustrated, title="관리자가 고친 제목", body=illustrated.body, tags=[], source_url="")

    assert list(illustrated.images.all()) == pictures


# --- 4. The same 원문 twice ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.com/news/42",
        "http://example.com/news/42/",
        "https://EXAMPLE.com/news/42?utm_source=twitter&utm_medium=social",
        "https://example.com:443/news/42#comments",
        "https://m.example.com/news/42?fbclid=abc",
    ],
)
def test_source_urls_that_name_the_same_article_compare_equal(url):
    expected = "m.example.com/news/42" if "//m." in url else "example.com/news/42"
    assert source_urls.normalise(url) == expected


def test_other_parameters_stay_and_are_sorted():
    assert source_urls.normalise("https://news.example/a?id=2&utm_campaign=x&page=1") == "news.example/a?id=2&page=1"
    assert source_urls.normalise("https://news.example/a?page=1&id=2") == "news.example/a?id=2&page=1"
    assert source_urls.normalise("https://news.example/a?id=3") != source_urls.normalise("https://news.example/a?id=2")
    assert source_urls.normalise("") == "" and source_urls.normalise("not a url") == ""


def test_a_second_post_of_the_same_article_is_stopped_with_a_link_and_goes_on_when_confirmed(
    member_client, make_post, make_user
):
    first = make_post(title="원래 글", source_url="https://www.nature.com/articles/s41586-025-09422-z")
    data = post_data(source_url="http://nature.com/articles/s41586-025-09422-z/?utm_source=x")

    stopped = member_client.post(WRITE, data)

    assert stopped.status_code == 400
    text = page_text(stopped)
    assert "이미 올라온 기사입니다: 원래 글" in text
    assert f'href="{first.get_absolute_url()}"' in stopped.content.decode()
    assert "같은 기사인 줄 알고, 그래도 올립니다" in text
    assert Post.objects.count() == 1

    went_on = member_client.post(WRITE, {**data, "confirm_duplicate": "on"})

    assert went_on.status_code == 302
    assert Post.objects.count() == 2


def test_only_visible_posts_of_the_same_board_count_as_duplicates(member_client, make_post, make_board):
    free = make_board(slug="free", name="자유게시판")
    make_post(title="숨긴 글", source_url="https://example.com/a", hidden=True)
    make_post(title="다른 게시판 글", source_url="https://example.com/a", board=free)

    response = member_client.post(WRITE, post_data(source_url="https://example.com/a"))

    assert response.status_code == 302


def test_editing_a_post_is_not_stopped_by_its_own_link(member_client, member, make_post):
    make_post(title="먼저 올라온 글", source_url="https://example.com/a")
    mine = make_post(author=member, source_url="https://example.com/a")  # an admin-made duplicate

    response = member_client.post(
        f"/b/ainews/{mine.pk}/edit/", post_data(title="고친 제목", source_url="https://example.com/a")
    )

    assert response.status_code == 302


def test_the_duplicate_check_is_one_query_on_the_source_index(member_client, make_post, board):
    make_post(source_url="https://example.com/a")
    with CaptureQueriesContext(connection) as queries:
        member_client.post(WRITE, post_data(source_url="https://example.com/a", preview="1"))

    lookups = [q["sql"] for q in queries.captured_queries if "source_key" in q["sql"] and "SELECT" in q["sql"]]
    assert len(lookups) == 1
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + lookups[0])
            plan = " ".join(str(row) for row in cursor.fetchall())
        assert "post_board_source_idx" in plan
    key = Post.objects.values_list("source_key", flat=True).get()
    assert key == "example.com/a"

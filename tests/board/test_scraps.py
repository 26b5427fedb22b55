"""스크랩: keeping posts with a memo, 마이메뉴 → 스크랩, and what becomes of a scrapped post
that is hidden or deleted."""

import pytest
from django.test import Client

from board import services
from board.models import Scrap
from tests.conftest import main_text


def member_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reader(make_user):
    return make_user("reader", nickname="읽는사람")


def scrap_url(post):
    return f"{post.get_absolute_url()}scrap/"


def test_the_article_links_to_its_scrap_page_for_every_reader(client, make_post):
    post = make_post()

    html = client.get(post.get_absolute_url()).content.decode()

    assert f'href="{scrap_url(post)}"' in html
    response = client.get(scrap_url(post))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]  # guests log in first


def test_a_member_scraps_a_post_with_a_memo_and_sees_it_in_their_list(make_post, reader):
    post = make_post(title="나중에 읽을 글")
    client = member_client(reader)

    response = client.post(scrap_url(post), {"memo": "주말에 다시 보기"})

    assert response.status_code == 302 and response["Location"] == "/scraps/"
    scrap = Scrap.objects.get(user=reader, post=post)
    assert scrap.memo == "주말에 다시 보기"
    text = main_text(client.get("/scraps/"))
    assert "스크랩했습니다." in text
    assert "나중에 읽을 글" in text and "메모: 주말에 다시 보기" in text


def test_scrapping_again_changes_the_memo_of_the_one_scrap(make_post, reader):
    post = make_post()
    client = member_client(reader)
    client.post(scrap_url(post), {"memo": "처음"})

    form_page = main_text(client.get(scrap_url(post)))
    client.post(scrap_url(post), {"memo": "고친 메모"})

    assert "이미 스크랩한 글입니다." in form_page
    assert Scrap.objects.filter(user=reader, post=post).count() == 1
    assert Scrap.objects.get(user=reader, post=post).memo == "고친 메모"
    assert "스크랩 메모를 고쳤습니다." in main_text(client.get("/scraps/"))


def test_the_list_is_newest_first_and_paged(make_post, reader, settings):
    settings.BOARD_SCRAPS_PER_PAGE = 2
    posts = [make_post(title=f"스크랩 글 {i}") for i in range(3)]
    for post in posts:
        services.save_scrap(user=reader, post=post)
    client = member_client(reader)

    first, second = main_text(client.get("/scraps/")), main_text(client.get("/scraps/?page=2"))

    assert "스크랩 글 2" in first and "스크랩 글 1" in first and "스크랩 글 0" not in first
    assert first.index("스크랩 글 2") < first.index("스크랩 글 1")
    assert "스크랩 글 0" in second and "스크랩 3개" in second


def test_a_scrapped_post_hidden_or_deleted_stays_listed_saying_so(make_post, reader, moderator):
    hidden, deleted = make_post(title="숨겨질 글"), make_post(title="지워질 글")
    services.save_scrap(user=reader, post=hidden, memo="숨김 메모")
    services.save_scrap(user=reader, post=deleted)
    services.hide_post(post=hidden, moderator=moderator)
    services.delete_post(post=deleted)

    text = main_text(member_client(reader).get("/scraps/"))

    assert "숨겨진 글입니다" in text and "삭제된 글입니다" in text
    assert "숨겨질 글" not in text and "지워질 글" not in text  # the titles are gone with the posts
    assert "메모: 숨김 메모" in text  # the member's own memo stays


def test_a_member_removes_their_scrap(make_post, reader):
    scrap = services.save_scrap(user=reader, post=make_post())

    response = member_client(reader).post(f"/scraps/{scrap.pk}/delete/")

    assert response.status_code == 302
    assert not Scrap.objects.filter(pk=scrap.pk).exists()


def test_another_members_scrap_id_is_a_404_and_nothing_is_removed(make_post, reader, make_user):
    scrap = services.save_scrap(user=reader, post=make_post())
    intruder = member_client(make_user())

    assert intruder.post(f"/scraps/{scrap.pk}/delete/").status_code == 404
    assert intruder.get(f"/scraps/{scrap.pk}/delete/").status_code == 405  # POST only
    assert Scrap.objects.filter(pk=scrap.pk).exists()
    assert "스크랩한 글이 없습니다." in main_text(intruder.get("/scraps/"))  # and never sees it


def test_a_hidden_or_unknown_post_cannot_be_scrapped(make_post, reader):
    hidden = make_post(hidden=True)
    client = member_client(reader)

    assert client.post(scrap_url(hidden), {"memo": "x"}).status_code == 404
    assert client.post("/b/ainews/999999/scrap/", {"memo": "x"}).status_code == 404
    assert not Scrap.objects.exists()


def test_an_oversize_memo_is_refused_on_the_same_page(make_post, reader):
    post = make_post()

    response = member_client(reader).post(scrap_url(post), {"memo": "가" * 201})

    assert response.status_code == 400
    assert "메모는 200자 이하로 입력해 주세요." in main_text(response)
    assert not Scrap.objects.exists()


def test_scrapping_is_rate_limited(make_post, reader, settings, mid_window):
    settings.BOARD_RATE_LIMITS = {**settings.BOARD_RATE_LIMITS, "scrap": (2, 60)}
    posts = [make_post() for _ in range(3)]
    client = member_client(reader)

    statuses = [client.post(scrap_url(post), {"memo": ""}).status_code for post in posts]

    assert statuses == [302, 302, 429]
    assert Scrap.objects.count() == 2


def test_the_scrap_page_has_a_fixed_query_budget(make_post, reader, django_assert_max_num_queries):
    for i in range(30):
        services.save_scrap(user=reader, post=make_post(), memo=f"메모 {i}")
    client = member_client(reader)
    client.get("/scraps/")  # the menu and sidebar are cached for every page

    with django_assert_max_num_queries(4):  # session, user, count, rows
        response = client.get("/scraps/")

    assert main_text(response).count("메모: ") == 20


def test_my_menu_links_to_the_scraps(reader):
    html = member_client(reader).get("/accounts/me/").content.decode()

    assert 'href="/scraps/"' in html

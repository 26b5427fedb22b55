"""말머리: defined per board in admin, chosen when writing (optional or required per board),
shown in list rows and on the article, a list filter (?category=, cached per 말머리),
searched within, and in feeds."""

import re

import pytest
from django.test import Client

from board import services
from board.models import Category, Post
from tests.conftest import main_text


def member_client(user):
    client = Client()
    client.force_login(user)
    return client


def add_category(board, name, position=0):
    return services.save_category(category=Category(board=board, name=name, position=position))


@pytest.fixture
def news(board):
    """The board with two 말머리: 속보 and 리뷰."""
    return add_category(board, "속보", 1), add_category(board, "리뷰", 2)


@pytest.fixture
def writer(make_user):
    return make_user("writer", nickname="글쓴이")


def write(client, slug="ainews", **fields):
    data = {"title": "말머리 글", "body": "본문", "tags_text": "", "source_url": "", **fields}
    return client.post(f"/b/{slug}/write/", data)


def test_moderators_define_a_boards_categories_in_the_admin(client, board, moderator):
    before = client.get("/b/ainews/")  # cached for readers
    admin = member_client(moderator)

    added = admin.post("/admin/board/category/add/", {"board": board.pk, "name": "속보", "position": 1})

    assert added.status_code == 302
    assert list(Category.objects.values_list("name", flat=True)) == ["속보"]
    assert before.status_code == 200
    # The list cached before shows the new 말머리 at once (the menu keeps them).
    tabs = re.search(r'aria-label="말머리".*?</nav>', client.get("/b/ainews/").content.decode(), re.S)
    assert "속보" in tabs.group(0)


def test_a_member_chooses_a_category_and_the_list_and_article_show_it(client, news, writer):
    flash, _ = news
    response = write(member_client(writer), category=flash.pk)

    post = Post.objects.get()
    assert response.status_code == 302 and post.category == flash
    row = re.search(r'<li class="post-row.*?</li>', client.get("/b/ainews/").content.decode(), re.S).group(0)
    assert '<span class="post-category">[속보]</span>' in row
    article = client.get(post.get_absolute_url()).content.decode()
    assert '<span class="post-category">[속보]</span> 말머리 글</h1>' in article
    assert f'href="/b/ainews/?category={flash.pk}">속보 글 모아 보기</a>' in article


def test_the_category_is_optional_unless_the_board_requires_it(news, writer, board):
    client = member_client(writer)
    assert write(client).status_code == 302  # optional: none chosen
    assert Post.objects.get().category is None

    board.category_required = True
    services.save_board(board=board)
    refused = write(client, title="말머리 없는 글")

    assert refused.status_code == 400
    assert "말머리를 골라 주세요." in main_text(refused)
    assert Post.objects.count() == 1


def test_a_category_of_another_board_is_refused_in_korean(news, writer, make_board):
    other = add_category(make_board(slug="papers", name="논문"), "리뷰")

    response = write(member_client(writer), category=other.pk)

    assert response.status_code == 400
    assert "이 게시판의 말머리가 아닙니다." in main_text(response)
    assert not Post.objects.exists()
    for forged in ("999999", "abc", "-1"):
        assert write(member_client(writer), category=forged).status_code == 400
    assert not Post.objects.exists()


def test_a_board_without_categories_has_no_category_field(board, writer):
    html = member_client(writer).get("/b/ainews/write/").content.decode()

    assert 'name="category"' not in html


def test_editing_changes_or_keeps_the_category(make_post, news, author):
    flash, review = news
    post = make_post(category=flash)
    client = member_client(author)
    form = client.get(f"{post.get_absolute_url()}edit/").content.decode()
    assert re.search(rf'<option value="{flash.pk}" selected>속보</option>', form)

    client.post(f"{post.get_absolute_url()}edit/", {"title": "고친 글", "body": "본문", "category": review.pk})

    post.refresh_from_db()
    assert post.category == review


def test_the_list_filters_by_category_and_is_cached_per_category(client, make_post, news):
    flash, review = news
    make_post(title="속보 글", category=flash)
    make_post(title="리뷰 글", category=review)
    make_post(title="말머리 없는 글")

    filtered = client.get(f"/b/ainews/?category={flash.pk}")
    again = client.get(f"/b/ainews/?category={flash.pk}")
    other = client.get(f"/b/ainews/?category={review.pk}")

    text = main_text(filtered)
    assert "속보 글" in text and "리뷰 글" not in text and "말머리 없는 글" not in text
    assert "전체 1건" in text
    assert again["X-Page-Cache"] == "hit"
    assert "리뷰 글" in main_text(other) and "속보 글" not in main_text(other)
    tab = re.search(r'aria-label="말머리".*?</nav>', filtered.content.decode(), re.S).group(0)
    assert f'href="?category={flash.pk}" aria-current="page">속보' in tab


def test_an_unknown_or_another_boards_category_in_the_list_is_a_404(client, news, make_board):
    other = add_category(make_board(slug="papers", name="논문"), "논문리뷰")

    assert client.get(f"/b/ainews/?category={other.pk}").status_code == 404
    assert client.get("/b/ainews/?category=999999").status_code == 404
    assert client.get("/b/ainews/?category=abc").status_code == 404  # never one of the board's


def test_sorting_and_paging_keep_the_category(client, make_post, news):
    flash, _ = news
    make_post(title="속보", category=flash)

    html = client.get(f"/b/ainews/?category={flash.pk}").content.decode()

    sorts = re.search(r'aria-label="정렬".*?</nav>', html, re.S).group(0)
    assert f"?category={flash.pk}&amp;sort=votes" in sorts
    assert f'<input type="hidden" name="category" value="{flash.pk}">' in html  # the search form
    popular = client.get(f"/b/ainews/?category={flash.pk}&sort=popular").content.decode()
    assert f"?category={flash.pk}&amp;sort=popular&amp;period=today" in popular


@pytest.mark.parametrize("field", ["title", "title_body", "author"])
def test_a_search_within_a_category(client, make_post, news, field):
    flash, review = news
    make_post(title="강화학습 속보", category=flash)
    make_post(title="강화학습 리뷰", category=review)
    query = "크리스탈피" if field == "author" else "강화학습"

    text = main_text(client.get("/b/ainews/", {"q": query, "field": field, "category": flash.pk}))

    assert "강화학습 속보" in text and "강화학습 리뷰" not in text
    assert "전체 1건" in text


def test_a_comment_search_within_a_category(client, make_post, make_comment, news):
    flash, review = news
    make_comment(make_post(title="속보 글", category=flash), body="트랜스포머 이야기")
    make_comment(make_post(title="리뷰 글", category=review), body="트랜스포머 이야기")

    text = main_text(client.get("/b/ainews/", {"q": "트랜스포머", "field": "comment", "category": flash.pk}))

    assert "속보 글" in text and "리뷰 글" not in text


def test_feeds_carry_the_items_category(client, make_post, news):
    flash, _ = news
    make_post(title="피드 글", category=flash, tags=["LLM"])

    rss = client.get("/b/ainews/feed/").content.decode()
    atom = client.get("/feed/atom/").content.decode()

    assert "<category>속보</category><category>LLM</category>" in rss
    assert 'term="속보"' in atom


def test_renaming_a_category_shows_at_once_on_cached_pages(client, make_post, news):
    flash, _ = news
    post = make_post(category=flash)
    client.get("/b/ainews/")
    client.get(post.get_absolute_url())

    flash.name = "긴급"
    services.save_category(category=flash)

    assert "[긴급]" in main_text(client.get("/b/ainews/"))
    assert "[긴급]" in main_text(client.get(post.get_absolute_url()))


def test_deleting_a_category_keeps_its_posts(client, make_post, news):
    flash, _ = news
    post = make_post(title="남는 글", category=flash)

    services.delete_category(category=flash)

    post.refresh_from_db()
    assert post.category is None and "남는 글" in main_text(client.get("/b/ainews/"))


def test_a_moved_post_leaves_its_category_behind(make_post, news, make_board, moderator):
    flash, _ = news
    post = make_post(category=flash)

    services.move_post(post=post, board=make_board(slug="papers", name="논문"), moderator=moderator)

    post.refresh_from_db()
    assert post.category is None


@pytest.mark.parametrize("rows", [1, 50])
def test_a_list_filtered_by_category_has_a_fixed_query_budget(
    client, make_board, make_post, django_assert_max_num_queries, rows
):
    big = make_board(slug="big", name="큰 게시판", page_size=50)
    flash = add_category(big, "속보")
    for i in range(rows):
        make_post(board=big, tags=["LLM", f"태그{i}"], category=flash)
    client.get("/b/nope-warmup/")
    client.get("/b/ainews/")  # the menu (with every board's 말머리) is cached for every page

    with django_assert_max_num_queries(6):
        response = client.get(f"/b/big/?category={flash.pk}")

    assert len(re.findall(r'class="post-row[ "]', response.content.decode())) == rows
    assert response.content.decode().count("[속보]") == rows


def test_an_edit_form_without_the_field_keeps_the_category(make_post, news, author):
    flash, _ = news
    post = make_post(category=flash)

    member_client(author).post(f"{post.get_absolute_url()}edit/", {"title": "고친 글", "body": "본문"})

    post.refresh_from_db()
    assert post.title == "고친 글" and post.category == flash

"""회원 레벨과 포인트: points earned and taken back with their history, the balance always the
history's sum (recount repairs it), levels from points or set by 운영진, Lv.N beside names,
and per-board levels for reading, writing, commenting — with the shared page cache never
serving a board's page to a member below its reading level."""

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from taggit.models import Tag

from accounts.models import PointEntry, User, level_for_points
from board import services
from board.models import Comment, Post
from board.services.points import award_daily_login
from tests.conftest import main_text


def balance(user):
    user.refresh_from_db()
    history = PointEntry.objects.filter(member=user).aggregate(total=Sum("amount"))["total"] or 0
    assert user.points == history, "the balance is always the history's sum"
    return user.points


def member_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def newcomer(make_user):
    return make_user(username="newbie", nickname="새내기")


@pytest.fixture
def veteran(make_user):
    return make_user(username="veteran", nickname="고참", level_override=5)


# --- Points ------------------------------------------------------------------------------


def test_writing_commenting_and_receiving_a_vote_earn_the_boards_points(make_post, author, make_user, settings):
    reader = make_user()
    post = make_post()
    assert balance(author) == settings.BOARD_POINTS_POST

    services.add_comment(post=post, author=reader, body="좋은 글")
    assert balance(reader) == settings.BOARD_POINTS_COMMENT

    services.cast_vote(user=reader, post=post, value=1)
    assert balance(author) == settings.BOARD_POINTS_POST + settings.BOARD_POINTS_VOTE_RECEIVED
    services.cast_vote(user=reader, post=post, value=1)  # the same vote again cancels it
    assert balance(author) == settings.BOARD_POINTS_POST
    services.cast_vote(user=reader, post=post, value=-1)  # a 비추천 earns nothing
    assert balance(author) == settings.BOARD_POINTS_POST
    services.cast_vote(user=reader, post=post, value=1)  # switched to 추천
    assert balance(author) == settings.BOARD_POINTS_POST + settings.BOARD_POINTS_VOTE_RECEIVED
    reasons = list(PointEntry.objects.filter(member=author).order_by("id").values_list("reason", flat=True))
    assert reasons == ["post", "vote", "taken_back", "vote"]


def test_each_board_sets_its_own_amounts(make_board, author, make_user):
    board = make_board(slug="talk", name="잡담", points_post=1, points_comment=0, points_vote_received=3)
    post = services.create_post(board=board, author=author, title="잡담", body="본문")
    reader = make_user()
    services.add_comment(post=post, author=reader, body="댓글")
    services.cast_vote(user=reader, post=post, value=1)

    assert balance(author) == 4
    assert balance(reader) == 0
    assert not PointEntry.objects.filter(member=reader).exists()  # a zero amount leaves no row


def test_deleting_a_post_takes_back_what_it_earned_once(make_post, author, make_user, settings):
    reader = make_user()
    post = make_post()
    services.cast_vote(user=reader, post=post, value=1)
    comment = services.add_comment(post=post, author=reader, body="댓글")

    services.delete_post(post=post)
    services.delete_post(post=post)  # a second delete changes nothing

    assert balance(author) == 0
    assert balance(reader) == settings.BOARD_POINTS_COMMENT  # others' comments keep theirs
    services.delete_comment(comment=comment)
    services.delete_comment(comment=comment)
    assert balance(reader) == 0
    taken = PointEntry.objects.filter(member=author, reason=PointEntry.TAKEN_BACK).get()
    assert taken.amount == -(settings.BOARD_POINTS_POST + settings.BOARD_POINTS_VOTE_RECEIVED)
    assert taken.post_id == post.pk


def test_the_first_login_of_a_day_earns_points_once(client, make_user, settings):
    member = make_user(username="daily")
    for _ in range(2):
        client.post("/accounts/login/", {"username": "daily", "password": "correct-horse-battery"})
        client.logout()

    assert balance(member) == settings.BOARD_POINTS_DAILY_LOGIN
    assert award_daily_login(member=member, now=timezone.now() + timedelta(days=1)) is not None
    assert balance(member) == 2 * settings.BOARD_POINTS_DAILY_LOGIN


def test_recount_repairs_a_balance_that_drifted(make_post, author, settings):
    make_post()
    User.objects.filter(pk=author.pk).update(points=12345)

    fixed = services.recount_counters()

    assert fixed["points"] == 1
    assert balance(author) == settings.BOARD_POINTS_POST


def test_recount_command_names_points(make_post, author):
    import io

    from django.core.management import call_command

    User.objects.filter(pk=author.pk).update(points=-3)
    out = io.StringIO()
    call_command("recount", stdout=out)
    assert "회원의 포인트: 1개 고침" in out.getvalue()


# --- Levels ------------------------------------------------------------------------------


def test_the_level_follows_the_thresholds_unless_set_by_moderators(make_user, settings):
    settings.BOARD_LEVEL_THRESHOLDS = [10, 20, 30, 40, 50, 60, 70, 80, 90]
    assert [level_for_points(p) for p in (-5, 0, 9, 10, 25, 90, 10**6)] == [1, 1, 1, 2, 3, 10, 10]
    member = make_user(points=25)
    assert member.level == 3
    member.level_override = 9
    assert member.level == 9


def test_names_carry_the_level_badge_from_the_rows_already_loaded(client, make_post, author, make_user):
    User.objects.filter(pk=author.pk).update(level_override=7)
    post = make_post(title="레벨 보기")
    services.add_comment(post=post, author=make_user(nickname="댓글러"), body="댓글")

    for url in ("/b/ainews/", post.get_absolute_url()):
        html = client.get(url).content.decode()
        assert (
            '<span class="author">크리스탈피</span> <span class="badge badge-level" title="회원 레벨 7">Lv.7</span>'
            in html
        )
    assert '댓글러</span> <span class="badge badge-level" title="회원 레벨 1">Lv.1</span>' in html


def test_a_member_cannot_set_their_own_level_or_points(newcomer):
    client = member_client(newcomer)

    client.post(
        "/accounts/me/profile/",
        {"nickname": "새내기", "email": "newbie@example.com", "level_override": "10", "points": "99999", "level": "10"},
    )

    newcomer.refresh_from_db()
    assert newcomer.level_override is None and newcomer.points == 0 and newcomer.level == 1


def test_an_admin_save_never_writes_an_old_balance_back(moderator, newcomer, settings):
    from accounts import services as account_services

    stale = User.objects.get(pk=newcomer.pk)
    services.points.award_points(member_id=newcomer.pk, amount=30, reason=PointEntry.ADJUSTED)
    stale.level_override = 4
    account_services.save_member(user=stale, changed_fields=["level_override"])

    assert balance(newcomer) == 30
    newcomer.refresh_from_db()
    assert newcomer.level == 4


def test_moderators_adjust_points_in_admin_with_a_history_row(client, make_user, newcomer):
    boss = make_user(username="boss", nickname="관리자", is_staff=True, is_superuser=True)
    client.force_login(boss)

    response = client.post(
        "/admin/accounts/pointentry/add/", {"member": newcomer.pk, "amount": "-20", "memo": "도배 정리"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = PointEntry.objects.get(member=newcomer)
    assert entry.reason == PointEntry.ADJUSTED and entry.memo == "도배 정리 (관리자)"
    assert balance(newcomer) == -20


# --- Board levels ----------------------------------------------------------------------------


@pytest.fixture
def club(make_board):
    """A board for Lv.5 and up: reading, writing and commenting."""
    return make_board(slug="club", name="고수 게시판", read_level=5, write_level=5, comment_level=5)


def test_writing_below_the_boards_level_is_refused_with_a_korean_message(make_board, newcomer, veteran):
    make_board(slug="deep", name="심화", write_level=3)
    client = member_client(newcomer)

    response = client.get("/b/deep/write/")
    assert response.status_code == 403
    text = main_text(response)
    assert "이 게시판은 Lv.3 이상 회원만 글을 쓸 수 있습니다. 지금 레벨은 Lv.1입니다." in text

    response = client.post("/b/deep/write/", {"title": "몰래", "body": "본문", "level": "10"})
    assert response.status_code == 403
    assert not Post.objects.exists()

    assert member_client(veteran).get("/b/deep/write/").status_code == 200
    # The list offers 글쓰기 to every member (the page is shared); the form says why not.
    assert "글쓰기" in main_text(client.get("/b/deep/"))


def test_commenting_below_the_level_keeps_the_text_and_says_why(make_board, newcomer, author):
    board = make_board(slug="deep", name="심화", comment_level=2)
    post = services.create_post(board=board, author=author, title="토론", body="본문")
    client = member_client(newcomer)

    response = client.post(f"/b/deep/{post.pk}/comments/", {"body": "제 생각은요"})

    assert response.status_code == 403
    text = main_text(response)
    assert "이 게시판은 Lv.2 이상 회원만 댓글을 쓸 수 있습니다." in text
    assert "제 생각은요" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_member_at_the_level_reads_and_one_below_is_refused_even_after_a_shared_render(
    club, author, veteran, newcomer, make_user
):
    post = services.create_post(board=club, author=author, title="고수만 보는 글", body="비밀 본문")
    regular = make_user(username="regular", nickname="일반")
    url = post.get_absolute_url()

    # Lv.5 renders the article (twice: were it shared, the second would be a cache hit).
    for _ in range(2):
        response = member_client(veteran).get(url)
        assert response.status_code == 200 and "비밀 본문" in main_text(response)
        assert response.get("X-Page-Cache") != "hit"
    # Another Lv.5 member is still not served the first one's page.
    assert member_client(make_user(level_override=6)).get(url).get("X-Page-Cache") != "hit"

    for reader in (newcomer, regular):
        response = member_client(reader).get(url)
        assert response.status_code == 403
        text = main_text(response)
        assert "이 게시판은 Lv.5 이상 회원만 글을 읽을 수 있습니다. 지금 레벨은 Lv.1입니다." in text
        assert "비밀 본문" not in response.content.decode()
        list_page = member_client(reader).get("/b/club/")
        assert list_page.status_code == 403 and "고수만 보는 글" not in list_page.content.decode()

    for _ in range(2):  # visitors: never from the anonymous cache either
        response = Client().get(url)
        assert response.status_code == 403 and "로그인해 주세요" in main_text(response)
        assert "비밀 본문" not in response.content.decode()


def test_a_board_that_gains_a_reading_level_stops_serving_its_cached_pages(
    make_board, author, newcomer, moderator, client
):
    from board.admin import BoardAdmin  # noqa: F401 - the admin saves through services.save_board

    board = make_board(slug="open", name="열린 게시판")
    post = services.create_post(board=board, author=author, title="처음엔 공개", body="본문")
    url = post.get_absolute_url()
    member_client(author).get(url)
    assert member_client(author).get(url)["X-Page-Cache"] == "hit"
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"

    board.read_level = 3
    services.save_board(board=board)

    assert member_client(newcomer).get(url).status_code == 403
    assert Client().get(url).status_code == 403


def test_home_leaves_out_boards_with_a_reading_level(club, make_post, author, client):
    services.create_post(board=club, author=author, title="고수 전용 소식", body="본문")
    make_post(title="모두의 소식")

    text = main_text(client.get("/"))

    assert "모두의 소식" in text and "고수 전용 소식" not in text


def test_voting_on_a_board_one_cannot_read_is_refused(club, author, newcomer):
    post = services.create_post(board=club, author=author, title="고수 글", body="본문")

    response = member_client(newcomer).post(f"/b/club/{post.pk}/vote/", {"value": "up"})

    assert response.status_code == 403
    assert "비밀" not in response.content.decode()
    post.refresh_from_db()
    assert post.upvote_count == 0


def test_moderators_pass_every_level(club, moderator):
    assert member_client(moderator).get("/b/club/write/").status_code == 200
    assert member_client(moderator).get("/b/club/").status_code == 200


# --- 마이메뉴 → 포인트 ------------------------------------------------------------------------


@pytest.mark.parametrize("entries", [1, 50])
def test_point_history_is_paged_newest_first_within_its_budget(
    entries, make_post, author, django_assert_max_num_queries
):
    for n in range(entries - 1):
        services.points.award_points(member_id=author.pk, amount=n + 1, reason=PointEntry.LOGIN)
    make_post(title="포인트 받은 글")
    client = member_client(author)
    client.get("/accounts/me/points/")  # the menu and sidebar, cached for every page

    with django_assert_max_num_queries(4):  # session, member, count, one page of rows
        response = client.get("/accounts/me/points/")

    text = main_text(response)
    assert response.status_code == 200
    assert "글 작성 · 포인트 받은 글 +10" in text  # the newest first
    assert f"보유 포인트 {balance(author):,}점" in text
    if entries == 50:
        assert "다음" in text or "2" in text
        assert client.get("/accounts/me/points/?page=3").status_code == 200


def test_point_history_is_only_ones_own(client, make_user, newcomer):
    services.points.award_points(member_id=newcomer.pk, amount=7, reason=PointEntry.ADJUSTED, memo="비밀 메모")
    other = member_client(make_user())

    assert "비밀 메모" not in other.get("/accounts/me/points/").content.decode()
    assert Client().get("/accounts/me/points/").status_code == 302


def test_pages_for_everyone_leave_out_boards_with_a_reading_level(club, make_post, author, make_user, client):
    secret = services.create_post(
        board=club, author=author, title="고수 전용 비밀 글", body="고수 본문", tags=["비밀태그"]
    )
    services.add_comment(post=secret, author=make_user(), body="고수 전용 비밀 댓글")
    services.cast_vote(user=make_user(), post=secret, value=1)
    make_post(title="공개 글", tags=["비밀태그"])

    pages = {
        "new": client.get("/new/"),
        "search": client.get("/search/?q=비밀"),
        "feed": client.get("/feed/"),
        "board feed": client.get("/b/club/feed/"),
        "tag": client.get(f"/tags/{Tag.objects.get(name='비밀태그').slug}/"),
        "profile": client.get(f"/u/{author.username}/"),
        "sitemap": client.get("/sitemap-posts.xml"),
        "home sidebar": client.get("/"),
    }

    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert "고수 전용" not in html and f"/b/club/{secret.pk}/" not in html, name

"""Queries compiled once and run with other values (config/precompiled.py): each run
answers for its own values, and a query that would bake a value in is refused."""

import pytest

from accounts.models import User
from board import services
from board.models import Board, Comment, Post, PostVote, member_votes
from config.precompiled import compiled_objects, compiled_rows
from tests.conftest import member_client


def test_each_run_answers_for_its_own_values(make_user):
    first, second = make_user(nickname="첫회원"), make_user(nickname="둘째회원")
    assert User.objects.for_session(first.pk).nickname == "첫회원"
    assert User.objects.for_session(second.pk).nickname == "둘째회원"
    assert User.objects.for_session(str(first.pk)).pk == first.pk  # as the session keeps it


def test_a_members_votes_follow_the_post_asked_about(make_post, make_comment, make_user):
    voter, other = make_user(), make_user()
    post, elsewhere = make_post(), make_post()
    comments = [make_comment(post, body=f"댓글 {n}", author=other) for n in range(3)]
    elsewhere_comment = make_comment(elsewhere, body="다른 글의 댓글", author=other)
    services.cast_vote(user=voter, post=post, value=PostVote.UP)
    services.cast_vote(user=voter, post=elsewhere, value=PostVote.DOWN)
    for comment in comments[:2]:
        services.vote_comment(user=voter, comment=comment)
    ids = [comment.pk for comment in comments]

    assert member_votes(voter, post.pk) == (1, {ids[0], ids[1]})
    assert member_votes(voter, elsewhere.pk) == (-1, set())
    services.vote_comment(user=voter, comment=elsewhere_comment)
    assert member_votes(voter, elsewhere.pk) == (-1, {elsewhere_comment.pk})
    assert member_votes(other, post.pk) == (None, set())
    assert Comment.objects.filter(votes__user=voter).count() == 3


@pytest.mark.django_db
def test_a_query_that_bakes_a_value_in_is_refused():
    with pytest.raises(ValueError, match="every value must be a parameter"):
        compiled_rows("baked", lambda pk: User.objects.filter(pk=5), [1])


def test_compiled_objects_come_with_what_the_query_selects_related(make_post, make_user, django_assert_num_queries):
    first = make_post(title="첫 글", author=make_user(nickname="첫작성자"))
    second = make_post(title="둘째 글", author=make_user(nickname="둘째작성자"))

    def build(*pks):
        return Post.objects.for_list().filter(pk__in=pks)

    with django_assert_num_queries(1):
        found = {post.pk: post for post in compiled_objects("test-rows", build, [second.pk, first.pk])}
        shown = {pk: (post.title, post.author.nickname, post.board_id) for pk, post in found.items()}
    assert shown == {
        first.pk: ("첫 글", "첫작성자", first.board_id),
        second.pk: ("둘째 글", "둘째작성자", second.board_id),
    }
    assert "body" in found[first.pk].get_deferred_fields()  # what for_list leaves out stays out
    assert [post.title for post in compiled_objects("test-rows", build, [first.pk, 0])] == ["첫 글"]


def test_an_article_is_found_only_under_its_own_board_and_a_huge_id_is_a_404(client, make_post, make_board):
    post = make_post(title="제 게시판의 글")
    make_board(slug="other", name="다른 게시판")

    assert client.get(f"/b/{post.board.slug}/{post.pk}/").status_code == 200
    assert client.get(f"/b/other/{post.pk}/").status_code == 404
    assert client.get(f"/b/{post.board.slug}/{10**30}/").status_code == 404
    assert client.get(f"/b/{post.board.slug}/{2**63}/").status_code == 404


def test_a_board_is_found_by_its_own_slug_only(client, make_board, make_user):
    make_board(slug="first", name="첫 게시판")
    make_board(slug="second", name="둘째 게시판")
    member = member_client(make_user())

    # The menu names every board on every page: the page's own heading names its board.
    assert '<h1 class="page-title"><a href="/b/first/">첫 게시판</a></h1>' in client.get("/b/first/").content.decode()
    assert (
        '<h1 class="page-title"><a href="/b/second/">둘째 게시판</a></h1>' in client.get("/b/second/").content.decode()
    )
    assert client.get("/b/none-such/").status_code == 404
    form = member.get("/b/second/write/").content.decode()
    assert '<p class="article-board"><a href="/b/second/">둘째 게시판</a></p>' in form
    assert member.get("/b/none-such/write/").status_code == 404


@pytest.mark.django_db
def test_a_text_value_goes_in_as_a_parameter_and_a_changed_one_is_refused(make_board):
    make_board(slug="slug-a", name="가")
    make_board(slug="slug-b", name="나")

    def build(slug):
        return Board.objects.filter(slug=slug).values_list("name")

    assert compiled_rows("test-board-name", build, ["slug-b"]) == [("나",)]
    assert compiled_rows("test-board-name", build, ["slug-a"]) == [("가",)]
    assert compiled_rows("test-board-name", build, ["없는"]) == []
    with pytest.raises(ValueError, match="every value must be a parameter"):
        compiled_rows("test-board-like", lambda slug: Board.objects.filter(slug__contains=slug), ["slug"])

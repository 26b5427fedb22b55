"""Queries compiled once and run with other values (config/precompiled.py): each run
answers for its own values, and a query that would bake a value in is refused."""

import pytest

from accounts.models import User
from board import services
from board.models import Comment, PostVote, member_votes
from config.precompiled import compiled_rows


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

"""seed_demo's data for 말머리, 댓글 추천 (with 베스트 댓글) and 스크랩 (board/demo_community.py)."""

import io

from django.core.management import call_command
from django.db.models import Count, F

from board.models import Category, Comment, CommentVote, Post, Scrap


def test_seed_demo_makes_categories_comment_votes_and_scraps_once(db, client):
    call_command("seed_demo", stdout=io.StringIO())
    first = (Category.objects.count(), CommentVote.objects.count(), Scrap.objects.count())
    categorised = Post.objects.filter(category__isnull=False).count()

    call_command("seed_demo", stdout=io.StringIO())

    assert (Category.objects.count(), CommentVote.objects.count(), Scrap.objects.count()) == first
    assert all(first) and categorised >= 20
    assert Post.objects.filter(category__isnull=False).count() == categorised
    # Every post's 말머리 is one of its own board's.
    assert not Post.objects.exclude(category__isnull=True).exclude(category__board=F("board")).exists()
    # The comment counts are the votes' rows, and none is the author's own.
    for comment in Comment.objects.annotate(votes_n=Count("votes")).filter(votes_n__gt=0):
        assert comment.upvote_count == comment.votes_n
    assert not CommentVote.objects.filter(user=F("comment__author")).exists()
    best = Comment.objects.filter(upvote_count__gte=3).select_related("post__board").first()
    assert "베스트 댓글" in client.get(best.post.get_absolute_url()).content.decode()


def test_generated_posts_get_their_boards_categories(db):
    call_command("seed_demo", posts=60, stdout=io.StringIO())

    generated = Post.objects.order_by("id")[:60]
    assert sum(1 for post in generated if post.category_id) >= 30
    assert all(post.category is None or post.category.board_id == post.board_id for post in generated)

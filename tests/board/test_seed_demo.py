import io
import re

from django.core.management import call_command
from django.db.models import Count, Q

from accounts.models import MARKETING, ConsentRecord, PolicyDocument, User
from board import demo_content, services
from board.models import Attachment, Board, Comment, Post, PostVote
from tests.conftest import page_text

DEMO_TITLES = [article["title"] for article in demo_content.DEMO_ARTICLES]


def snapshot():
    return {
        "boards": list(Board.objects.values_list("slug", "post_count").order_by("slug")),
        "users": User.objects.count(),
        "posts": list(Post.objects.values_list("title", "view_count", "upvote_count", "comment_count").order_by("id")),
        "comments": Comment.objects.count(),
        "votes": PostVote.objects.count(),
        "points": list(User.objects.values_list("username", "points", "level_override").order_by("username")),
        "attachments": Attachment.objects.count(),
        "consents": ConsentRecord.objects.count(),
        "documents": PolicyDocument.objects.count(),
    }


def assert_counters_match_rows():
    for post in Post.objects.annotate(
        visible_comments=Count(
            "comments", filter=Q(comments__is_deleted=False, comments__is_hidden=False), distinct=True
        ),
        ups=Count("votes", filter=Q(votes__value=1), distinct=True),
        downs=Count("votes", filter=Q(votes__value=-1), distinct=True),
    ):
        assert (post.comment_count, post.upvote_count, post.downvote_count) == (
            post.visible_comments,
            post.ups,
            post.downs,
        ), post.title
    for board in Board.objects.all():
        assert board.post_count == Post.objects.visible().filter(board=board).count()


def test_seed_demo_makes_the_demo_site_and_running_it_twice_changes_nothing(db):

    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())

    assert snapshot() == first
    assert [slug for slug, _ in first["boards"]] == ["ainews", "data", "free", "qna"]
    ainews = Board.objects.get(slug="ainews")
    assert ainews.post_count >= 40
    assert User.objects.filter(username="admin", is_superuser=True).exists()
    assert first["comments"] > 0 and first["votes"] > 0
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Post.objects.filter(body_html__contains="<img alt=").count() >= 5
    r1 = Post.objects.get(title__contains="R1")
    assert "29만 4천" in r1.body or "294,000" in r1.body
    assert_counters_match_rows()
    # Points and levels: every balance is its history's sum, and the levels differ.
    assert services.recount_counters()["points"] == 0
    levels = {user.username: user.level for user in User.objects.filter(username__in=dict(demo_content.DEMO_MEMBERS))}
    assert len(set(levels.values())) >= 3 and levels["datamoa"] == 4
    library = Board.objects.get(slug="data")
    assert (library.write_level, library.download_level) == (2, 2)
    attachment = Attachment.objects.get()
    assert attachment.post.board == library and attachment.original_name.endswith(".pdf")
    # 약관: every demo member agreed to both, some to marketing mail, one withdrew it later;
    # a revised 이용약관 is announced but not yet in effect.
    xtalfi = User.objects.get(username="xtalfi")
    assert {(r.kind, r.document and r.document.version) for r in xtalfi.consents.all()} >= {
        ("terms", 1),
        ("privacy", 1),
    }
    assert ConsentRecord.objects.filter(kind=MARKETING, agreed=True).exists()
    assert ConsentRecord.objects.filter(kind=MARKETING).count() > len(demo_content.DEMO_MEMBERS)
    assert PolicyDocument.objects.current("terms").version == 1 and PolicyDocument.objects.filter(version=2).exists()


def test_demo_members_log_in_with_the_printed_password(db, client):
    call_command("seed_demo", stdout=io.StringIO())
    username = demo_content.DEMO_MEMBERS[3][0]

    response = client.post("/accounts/login/", {"username": username, "password": "demo-pass-1234"}, follow=True)

    assert response.context["user"].username == username


def test_seed_demo_generates_posts_in_bulk_with_true_counters(db):
    call_command("seed_demo", stdout=io.StringIO())
    before = Post.objects.count()

    call_command("seed_demo", posts=300, stdout=io.StringIO())

    assert Post.objects.count() == before + 300
    generated = Post.objects.order_by("-id")[:300]
    assert all(p.body_html.startswith("<p>") and p.excerpt for p in generated)
    assert len({p.title for p in generated}) > 100  # varied text, so search means something
    assert Comment.objects.filter(post__in=generated).count() > 300
    assert PostVote.objects.filter(post__in=generated).count() > 300
    assert_counters_match_rows()


def test_generated_posts_and_comments_are_searchable_and_later_writes_still_indexed(client, make_user):
    call_command("seed_demo", posts=200, stdout=io.StringIO())
    generated = Post.objects.filter(board__slug="ainews").order_by("-id").exclude(title__in=DEMO_TITLES).first()
    word = max(re.findall("[가-힣]{2,}", generated.title), key=len)
    comment = Comment.objects.filter(post__board__slug="free").order_by("-id").first()
    comment_word = max(re.findall("[가-힣]{2,}", comment.body), key=len)

    assert generated.title in page_text(client.get("/b/ainews/", {"q": word, "field": "title"}))
    assert comment.post.title in page_text(client.get("/b/free/", {"q": comment_word, "field": "comment"}))
    later = services.create_post(
        board=generated.board, author=make_user(), title="시드 이후 새 글 양자컴퓨팅", body="본문"
    )
    assert later.title in page_text(client.get("/b/ainews/", {"q": "양자컴퓨팅"}))


def test_demo_content_is_long_enough_for_the_list_and_search():
    ainews = [a for a in demo_content.DEMO_ARTICLES if a["board"] == "ainews"]
    assert len(ainews) >= 40
    assert len(demo_content.GEN_NOUNS) >= 300

"""Demo data of the community tools (seed_demo): each board's 말머리 and the hand-written
articles' (by their tags), 댓글 추천 enough for 베스트 댓글, and members' 스크랩 with memos.
Every step looks before it writes, so running seed_demo again changes nothing."""

import random

from django.db import connection, transaction
from django.db.models import F

from . import demo_content, invalidation, services
from .models import Category, Comment, CommentVote, Post, Scrap

# Per board: each 말머리 with the tags that put a hand-written article under it (the first
# match wins; an article matching none has no 말머리, as members often leave it).
CATEGORIES = {
    "ainews": [
        ("정책", {"AI규제"}),
        ("국내", {"네이버", "카카오", "LG", "업스테이지"}),
        ("하드웨어", {"반도체", "GPU", "HBM", "데이터센터"}),
        ("해외", {"OpenAI", "앤트로픽", "구글", "메타", "딥시크"}),
    ],
    "free": [("잡담", {"개발자일상"}), ("정보", {"오픈소스"}), ("후기", set())],
    "qna": [("GPU·인프라", {"GPU", "데이터센터"}), ("파인튜닝", {"파인튜닝"}), ("LLM", {"LLM"})],
}

# (member index, demo article index, memo)
SCRAPS = [
    (1, 1, "딥시크 R1 정리: 발표 자료 만들 때 참고"),
    (1, 20, ""),
    (1, 3, "추론모델 비교표 다시 보기"),
    (2, 1, "팀 스터디 자료"),
    (2, 7, "에이전트 도입 검토"),
    (3, 22, "HBM 공급 전망, 분기마다 확인"),
    (3, 13, ""),
    (4, 45, "나중에 답 달기"),
]
MOST_VOTES_PER_COMMENT = 6


def ensure_categories(boards):
    """Each demo board's 말머리, then the 말머리 of the demo articles that have none yet."""
    by_board = {}
    for slug, entries in CATEGORIES.items():
        board = boards[slug]
        existing = {category.name: category for category in Category.objects.filter(board=board)}
        by_board[slug] = {}
        for position, (name, _) in enumerate(entries, start=1):
            category = existing.get(name) or services.save_category(
                category=Category(board=board, name=name, position=position)
            )
            by_board[slug][name] = category
    changed = 0
    for article in demo_content.DEMO_ARTICLES:
        category = category_of(article, by_board)
        if category is not None:
            changed += Post.objects.filter(
                board=boards[article["board"]], title=article["title"], category__isnull=True
            ).update(category=category)
    if changed:
        invalidation.categories_changed()


def category_of(article, by_board):
    tags = set(article.get("tags", ()))
    if "공지" in tags:
        return None
    for name, wanted in CATEGORIES[article["board"]]:
        if tags & wanted:
            return by_board[article["board"]][name]
    return None


def ensure_comment_votes(members):
    """댓글 추천 on the demo articles' comments, from members other than the comment's
    author: a few comments of the busier threads get enough for 베스트 댓글. Articles whose
    comments have any 추천 already are left as they are."""
    titles = [article["title"] for article in demo_content.DEMO_ARTICLES]
    posts = Post.objects.filter(title__in=titles).exclude(comments__votes__isnull=False).distinct()
    for post in posts:
        comments = list(Comment.objects.filter(post=post).order_by("id"))
        rng = random.Random(f"comment-votes:{post.title}")
        with transaction.atomic():
            for comment in comments:
                voters = [m for m in members if m.pk != comment.author_id]
                count = rng.choice([0, 0, 0, 1, 1, 2, 3, 4, MOST_VOTES_PER_COMMENT])
                chosen = rng.sample(voters, min(count, len(voters)))
                if not chosen:
                    continue
                CommentVote.objects.bulk_create([CommentVote(comment=comment, user=member) for member in chosen])
                # Seeding sets the starting numbers; live traffic moves them with F() only.
                Comment.objects.filter(pk=comment.pk).update(upvote_count=F("upvote_count") + len(chosen))
            invalidation.comment_votes_changed(post.pk)


def ensure_scraps(members):
    articles = demo_content.DEMO_ARTICLES
    for member_index, article_index, memo in SCRAPS:
        article = articles[article_index % len(articles)]
        post = Post.objects.filter(title=article["title"]).first()
        member = members[member_index]
        if post is not None and not Scrap.objects.filter(user=member, post=post).exists():
            services.save_scrap(user=member, post=post, memo=memo)


def categorise_generated(after_id):
    """Give generated posts (ids above `after_id`) their board's 말머리 in turn, and one
    in every (number of 말머리 + 1) none: one set-based UPDATE per board, so 100,000 posts
    take a moment."""
    table = Post._meta.db_table
    for board_id in Category.objects.order_by().values_list("board_id", flat=True).distinct():
        ids = list(Category.objects.filter(board_id=board_id).order_by("position", "id").values_list("id", flat=True))
        cases = " ".join("WHEN %s THEN %s" for _ in ids)
        params = [len(ids) + 1, *[value for pair in enumerate(ids) for value in pair], board_id, after_id]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET category_id = CASE (id %% %s) {cases} ELSE NULL END "  # noqa: S608 - our names
                "WHERE board_id = %s AND id > %s AND category_id IS NULL",
                params,
            )
    invalidation.categories_changed()

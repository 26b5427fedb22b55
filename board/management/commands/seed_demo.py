"""Demo data: three boards, members, hand-written AI-news articles, comments, votes and
pictures drawn with Pillow; with --posts N, N generated posts in bulk for benchmarks.

Running it again changes nothing: every demo object is looked up by a natural key first.
"""

import io
import math
import os
import random
import sys
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts.models import User
from board import demo_content, images, markup, search, services
from board.models import Board, Comment, Post, PostVote

BOARDS = [
    ("ainews", "AI 뉴스", "국내외 인공지능 소식과 기사 요약을 나눕니다.", 1, True),
    ("free", "자유게시판", "AI와 개발, 일상 이야기를 자유롭게 나눕니다.", 2, False),
    ("qna", "질문답변", "LLM, GPU, 파인튜닝 등 궁금한 점을 묻고 답합니다.", 3, True),
]
ADMIN_USERNAME = "admin"
DEMO_PASSWORD = "demo-pass-1234"
GENERATED_BOARD_SHARE = [("ainews", 0.8), ("free", 0.12), ("qna", 0.08)]
BULK_BATCH = 2000

PICTURE_COLOURS = {
    "chart": ("#1d5fd1", "#ffd166"),
    "chip": ("#0b3d2e", "#52d68a"),
    "robot": ("#3a3f58", "#f28482"),
    "brain": ("#5b2a86", "#f4a261"),
    "network": ("#073b4c", "#06d6a0"),
    "glasses": ("#22223b", "#c9ada7"),
    "cloud": ("#2b6cb0", "#e2e8f0"),
    "phone": ("#1f2937", "#60a5fa"),
}


class Command(BaseCommand):
    help = "데모 게시판, 회원, 글, 댓글, 추천을 만듭니다. 여러 번 실행해도 결과는 같습니다."

    def add_arguments(self, parser):
        parser.add_argument("--posts", type=int, default=0, help="추가로 생성할 글 수 (벤치마크용)")
        parser.add_argument("--comments-per-post", type=float, default=3.0, help="생성 글당 평균 댓글 수")
        parser.add_argument("--votes-per-post", type=float, default=5.0, help="생성 글당 평균 추천 수")
        parser.add_argument("--seed", type=int, default=20250918, help="난수 시드")

    def handle(self, *args, **options):
        started = time.monotonic()
        boards = self.ensure_boards()
        members = self.ensure_members()
        admin_password = self.ensure_admin()
        # Ids must follow creation times (lists and search walk them newest first), so the
        # generated posts go in before the hand-written ones on a fresh database, dated
        # before them, and after them, dated up to now, on one that has them already.
        now = timezone.now()
        oldest_demo = now - timedelta(hours=max(a["hours_ago"] for a in demo_content.DEMO_ARTICLES))
        fresh = not Post.objects.exists()
        if options["posts"] > 0 and fresh:
            self.generate(options, boards, members, start=oldest_demo - timedelta(days=365), end=oldest_demo)
        created = self.ensure_articles(boards, members)
        self.stdout.write(f"데모 글 {created}개를 새로 만들었습니다.")
        if options["posts"] > 0 and not fresh:
            latest = Post.objects.order_by("-created_at").values_list("created_at", flat=True).first()
            self.generate(options, boards, members, start=min(latest, now), end=now)
        self.stdout.write(self.style.SUCCESS(f"완료 ({time.monotonic() - started:.1f}초)."))
        self.stdout.write(f"관리자 로그인: 아이디 {ADMIN_USERNAME} / 비밀번호 {admin_password} (/admin/)")
        self.stdout.write(f"데모 회원 비밀번호: {DEMO_PASSWORD} (예: {members[0].username})")

    def generate(self, options, boards, members, *, start, end):
        # Query logging (on under DEBUG) would double the time of a bulk load.
        settings.DEBUG = False
        generate_posts(
            options["posts"],
            boards=boards,
            members=members,
            comments_per_post=options["comments_per_post"],
            votes_per_post=options["votes_per_post"],
            start=start,
            end=end,
            rng=random.Random(options["seed"]),
            out=self.stdout,
        )

    def ensure_boards(self):
        boards = {}
        for slug, name, description, position, use_downvote in BOARDS:
            boards[slug], _ = Board.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "description": description,
                    "position": position,
                    "use_downvote": use_downvote,
                },
            )
        return boards

    def ensure_members(self):
        members = []
        for username, nickname in demo_content.DEMO_MEMBERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, nickname=nickname, email=f"{username}@example.com")
                user.set_password(DEMO_PASSWORD)
                user.save()
            members.append(user)
        return members

    def ensure_admin(self):
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "admin-pass-1234")
        if not User.objects.filter(username=ADMIN_USERNAME).exists():
            User.objects.create_superuser(
                username=ADMIN_USERNAME, email="admin@example.com", password=password, nickname="운영자"
            )
        return password

    def ensure_articles(self, boards, members):
        now = timezone.now()
        created = 0
        # Oldest first, so that ids follow the creation times like real traffic.
        for article in sorted(demo_content.DEMO_ARTICLES, key=lambda a: -a["hours_ago"]):
            board = boards[article["board"]]
            if Post.objects.filter(board=board, title=article["title"]).exists():
                continue
            with transaction.atomic():
                self.create_article(article, board, members, now - timedelta(hours=article["hours_ago"]))
            created += 1
        return created

    def create_article(self, article, board, members, created_at):
        body, pictures = article["body"], []
        if article.get("image"):
            # Through the same checks and re-encoding as a member's upload.
            upload = SimpleUploadedFile(f"{article['image']}.png", demo_picture(article["image"]), "image/png")
            pictures = [images.prepare_upload(upload)]
            body = f"[이미지1]\n\n{body}"
        post = services.create_post(
            board=board,
            author=members[article["author"]],
            title=article["title"],
            body=body,
            tags=article.get("tags", ()),
            source_url=article.get("source_url") or "",
            is_notice=article.get("notice", False),
            created_at=created_at,
            images=pictures,
        )
        moment = created_at
        for comment in article.get("comments", []):
            moment += timedelta(minutes=17)
            parent = services.add_comment(
                post=post, author=members[comment["author"]], body=comment["body"], created_at=moment
            )
            for reply in comment.get("replies", []):
                moment += timedelta(minutes=9)
                services.add_comment(
                    post=post, author=members[reply["author"]], body=reply["body"], parent=parent, created_at=moment
                )
        votes = [PostVote(post=post, user=members[i], value=PostVote.UP) for i in article.get("upvoters", [])]
        votes += [PostVote(post=post, user=members[i], value=PostVote.DOWN) for i in article.get("downvoters", [])]
        PostVote.objects.bulk_create(votes)
        # Seeding sets the starting numbers outright; live traffic only ever moves them with F().
        Post.objects.filter(pk=post.pk).update(
            view_count=article.get("views", 0),
            upvote_count=len(article.get("upvoters", [])),
            downvote_count=len(article.get("downvoters", [])),
        )


def demo_picture(key):
    """PNG bytes of a simple illustration drawn with Pillow."""
    background, foreground = PICTURE_COLOURS.get(key, ("#333333", "#eeeeee"))
    image = Image.new("RGB", (960, 540), background)
    draw = ImageDraw.Draw(image)
    rng = random.Random(key)
    for i in range(14):
        x, y = rng.randrange(0, 960), rng.randrange(0, 540)
        r = rng.randrange(20, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=foreground, width=4)
        draw.line((x, y, 480 + 300 * math.cos(i), 270 + 200 * math.sin(i)), fill=foreground, width=3)
    draw.rectangle((40, 440, 920, 500), fill=foreground)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def generated_text(rng, sentences):
    """Korean-looking news prose from the word lists: nouns with particles, Latin terms."""
    nouns, latin, particles = demo_content.GEN_NOUNS, demo_content.GEN_LATIN, demo_content.GEN_PARTICLES
    out = []
    for _ in range(sentences):
        template = rng.choice(demo_content.GEN_SENTENCES)
        out.append(
            template.format(
                a=rng.choice(nouns) + rng.choice(particles),
                b=rng.choice(nouns) + rng.choice(particles),
                e=rng.choice(latin),
            )
        )
    return out


def generated_title(rng):
    template = rng.choice(demo_content.GEN_TITLES)
    return template.format(
        a=rng.choice(demo_content.GEN_NOUNS), b=rng.choice(demo_content.GEN_NOUNS), e=rng.choice(demo_content.GEN_LATIN)
    )[:200]


def generate_posts(count, *, boards, members, comments_per_post, votes_per_post, start, end, rng, out):
    """Bulk-insert generated posts, comments and votes, then set every counter from rows.

    bulk_create skips Post.save(), so the HTML is made here the way markup would make it
    for plain paragraphs (escaped text in <p>), which is what the generator writes.
    """
    started = time.monotonic()
    board_slugs = [slug for slug, _ in GENERATED_BOARD_SHARE]
    weights = [share for _, share in GENERATED_BOARD_SHARE]
    span = (end - start).total_seconds()
    moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))
    first_new_id = (Post.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    done = 0
    while done < count:
        batch = []
        for created_at in moments[done : done + BULK_BATCH]:
            paragraphs = [" ".join(generated_text(rng, rng.randint(2, 5))) for _ in range(rng.randint(2, 5))]
            body = "\n\n".join(paragraphs)
            body_html = "\n".join(f"<p>{markup.escape_text(p)}</p>" for p in paragraphs)
            batch.append(
                Post(
                    board=boards[rng.choices(board_slugs, weights)[0]],
                    author=rng.choice(members),
                    title=generated_title(rng),
                    body=body,
                    body_html=body_html,
                    excerpt=markup.excerpt_from_text(body, settings.BOARD_EXCERPT_LENGTH),
                    created_at=created_at,
                    view_count=int(rng.paretovariate(1.5) * 30),
                )
            )
        with transaction.atomic():
            Post.objects.bulk_create(batch)
            search.index_posts(batch, fresh=True)
        done += len(batch)
        progress(out, "글", done, count, started)
    new_posts = Post.objects.filter(id__gte=first_new_id)
    generate_comments(new_posts, members, comments_per_post, rng, out)
    generate_votes(new_posts, members, votes_per_post, rng, out)
    services.recount_counters(posts=new_posts)
    search.optimise()
    out.write(f"\n생성 완료: 글 {count:,}개 ({time.monotonic() - started:.1f}초)")


def generate_comments(posts, members, per_post, rng, out):
    rows = list(posts.values_list("id", "created_at"))
    now = timezone.now()
    started = time.monotonic()
    # Dated after their post and inserted in time order, so ids follow time as in real use.
    planned = sorted(
        (min(created_at + timedelta(minutes=rng.randint(1, 3000)), now), post_id)
        for post_id, created_at in (rng.choice(rows) for _ in range(int(len(rows) * per_post)))
    )
    first_new_id = (Comment.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    total = len(planned)
    table = Comment._meta.db_table
    # Raw executemany: 300,000 model instances would cost more than the inserts themselves.
    sql = (
        f"INSERT INTO {table} (post_id, author_id, parent_id, body, body_html, created_at, edited_at, is_deleted, "
        "is_hidden) VALUES (%s, %s, NULL, %s, %s, %s, NULL, %s, %s)"
    )
    to_db = connection.ops.adapt_datetimefield_value
    for done in range(0, total, BULK_BATCH * 5):
        batch = []
        for created_at, post_id in planned[done : done + BULK_BATCH * 5]:
            text = " ".join(generated_text(rng, rng.randint(1, 2)))
            html = f"<p>{markup.escape_text(text)}</p>"
            batch.append((post_id, rng.choice(members).pk, text, html, to_db(created_at), False, False))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        progress(out, "댓글", done + len(batch), total, started)
    new_comments = Comment.objects.filter(id__gte=first_new_id).only(
        "id", "post_id", "body_html", "is_deleted", "is_hidden"
    )
    ids = list(new_comments.values_list("id", flat=True))
    for start in range(0, len(ids), BULK_BATCH * 5):
        with transaction.atomic():
            search.index_comments(new_comments.filter(id__in=ids[start : start + BULK_BATCH * 5]), fresh=True)


def generate_votes(posts, members, per_post, rng, out):
    """Votes from the demo members, one per member and post as the constraint demands.

    One set-based INSERT ... SELECT: each (post, member) pair votes when a hash of the pair
    falls under the wanted share, so 500,000 votes take seconds, not minutes.
    """
    started = time.monotonic()
    share = max(0, min(int(round(per_post * 100 / len(members))), 100))
    first_id = posts.order_by("id").values_list("id", flat=True).first()
    if first_id is None or share == 0:
        return
    vote_table, post_table = PostVote._meta.db_table, Post._meta.db_table
    member_ids = ",".join(str(int(m.pk)) for m in members)
    salt = rng.randrange(1, 997)
    sql = f"""
        INSERT INTO {vote_table} (post_id, user_id, value, created_at)
        SELECT p.id, u.id,
               CASE WHEN ((p.id * 7 + u.id * 13 + {salt}) %% 100) < 85 THEN 1 ELSE -1 END,
               p.created_at
        FROM {post_table} p CROSS JOIN {User._meta.db_table} u
        WHERE p.id >= %s AND u.id IN ({member_ids})
          AND ((p.id * 31 + u.id * 17 + {salt}) %% 100) < %s
    """  # only integers and table names from the models are interpolated
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [first_id, share])
        total = cursor.rowcount
    progress(out, "추천", total, total, started)


def progress(out, label, done, total, started):
    if not getattr(out, "isatty", lambda: False)() and done != total and done % (BULK_BATCH * 10):
        return
    width = 30
    filled = int(width * done / max(total, 1))
    elapsed = time.monotonic() - started
    out.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {elapsed:.0f}초", ending="")
    (getattr(out, "flush", None) or sys.stdout.flush)()

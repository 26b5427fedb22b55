"""Demo data: three boards, members, hand-written AI-news articles, comments, votes and
pictures drawn with Pillow; with --posts N, N generated posts in bulk for benchmarks.

Running it again changes nothing: every demo object is looked up by a natural key first.
"""

import io
import math
import os
import random
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts import services as account_services
from accounts.models import PRIVACY, TERMS, ConsentRecord, PolicyDocument, User
from board import demo_content, images, services
from board.demo_bulk import generate_posts
from board.models import Board, Post, PostVote

BOARDS = [
    ("ainews", "AI 뉴스", "국내외 인공지능 소식과 기사 요약을 나눕니다.", 1, True),
    ("free", "자유게시판", "AI와 개발, 일상 이야기를 자유롭게 나눕니다.", 2, False),
    ("qna", "질문답변", "LLM, GPU, 파인튜닝 등 궁금한 점을 묻고 답합니다.", 3, True),
]
ADMIN_USERNAME = "admin"
DEMO_PASSWORD = "demo-pass-1234"

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
        self.ensure_consents(members)
        admin_password = self.ensure_admin()
        # Ids must follow creation times (lists and search walk them newest first), so the
        # generated posts go in before the hand-written ones on a fresh database, dated
        # before them, and after them, dated up to now, on one that has them already.
        now = timezone.now()
        oldest_demo = now - timedelta(hours=max(a["hours_ago"] for a in demo_content.DEMO_ARTICLES))
        fresh = not Post.objects.exists()
        if options["posts"] > 0 and fresh:
            self.generate(options, boards, members, start=oldest_demo - timedelta(days=365), end=oldest_demo)
        phase = time.monotonic()
        created = self.ensure_articles(boards, members)
        self.stdout.write(f"데모 글 {created}개를 새로 만들었습니다 ({time.monotonic() - phase:.1f}초).")
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
        members, hashed = [], None
        for username, nickname in demo_content.DEMO_MEMBERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                # One hash for all: the demo password is printed on screen anyway, and each
                # PBKDF2 hash costs a third of a second.
                hashed = hashed or make_password(DEMO_PASSWORD)
                user = User(username=username, nickname=nickname, email=f"{username}@example.com", password=hashed)
                user.save()
            members.append(user)
        return members

    def ensure_consents(self, members):
        """The 약관 the demo members agreed to when they joined (the first versions, from the
        migration), a third of them with marketing mail, one who withdrew it later; and a
        revised 이용약관 announced for two weeks from now, as Korean sites announce them."""
        PolicyDocument.objects.get_or_create(
            kind=TERMS,
            version=2,
            defaults={
                "title": "이용약관",
                "body": demo_content.REVISED_TERMS,
                "effective_at": timezone.now() + timedelta(days=14),
            },
        )
        documents = {kind: PolicyDocument.objects.current(kind) for kind in (TERMS, PRIVACY)}
        agreed = set(ConsentRecord.objects.filter(user__in=members).values_list("user_id", flat=True))
        for n, member in enumerate(members):
            if member.pk in agreed:
                continue
            account_services.record_signup_consents(
                user=member, documents=documents, marketing=n % 3 == 0, at=member.date_joined
            )
            if n == 3:
                account_services.set_marketing_consent(user=member, agreed=False)

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
        titles = [a["title"] for a in demo_content.DEMO_ARTICLES]
        existing = set(Post.objects.filter(title__in=titles).values_list("board_id", "title"))
        # Oldest first, so that ids follow the creation times like real traffic.
        for article in sorted(demo_content.DEMO_ARTICLES, key=lambda a: -a["hours_ago"]):
            board = boards[article["board"]]
            if (board.pk, article["title"]) in existing:
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

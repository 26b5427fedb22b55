"""Demo data: three boards, members, hand-written AI-news articles, comments, votes and
pictures drawn with Pillow, 말머리, 댓글 추천 and 스크랩 (board/demo_community.py); with
--posts N, N generated posts in bulk for benchmarks.

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
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts import messaging, notifying
from accounts import services as account_services
from accounts.models import PRIVACY, TERMS, ConsentRecord, Message, PointEntry, PolicyDocument, User
from board import attachments, demo_community, demo_content, images, services
from board.demo_bulk import generate_posts
from board.models import Board, Comment, Post, PostVote
from board.services.points import award_points

BOARDS = [
    ("ainews", "AI 뉴스", "국내외 인공지능 소식과 기사 요약을 나눕니다.", 1, True),
    ("free", "자유게시판", "AI와 개발, 일상 이야기를 자유롭게 나눕니다.", 2, False),
    ("qna", "질문답변", "LLM, GPU, 파인튜닝 등 궁금한 점을 묻고 답합니다.", 3, True),
    ("data", "자료실", "보고서, 논문 요약, 데이터셋 설명을 파일로 나눕니다. 글쓰기와 다운로드는 Lv.2부터.", 4, False),
]
# 자료실 shows the board levels: a new member (Lv.1) reads it but writes and downloads from Lv.2.
BOARD_OPTIONS = {"data": {"write_level": 2, "download_level": 2, "attachment_max_count": 5}}
# Members set to a level by 운영진 (admin's 레벨 직접 지정), the rest follow their points.
LEVEL_OVERRIDES = {"datamoa": 4}
# Days of 오늘 첫 로그인 in each demo member's history (points for the levels to differ).
LOGIN_DAYS = [120, 60, 30, 0, 10, 0, 5, 2]
LIBRARY_POST = {
    "title": "2025 AI 인덱스 보고서 핵심 요약 (PDF)",
    "body": "스탠퍼드 HAI의 2025 AI 인덱스 보고서를 한국어로 12쪽 분량으로 요약했습니다.\n\n"
    "- 모델 학습 비용과 추론 비용의 추세\n- 국가별 투자와 인재 흐름\n- 책임 있는 AI 벤치마크 현황\n\n"
    "첨부한 PDF를 내려받아 보세요. 오류나 빠진 내용은 댓글로 알려 주시면 고치겠습니다.",
    "file": "2025 AI 인덱스 요약.pdf",
    "author": 7,
    "hours_ago": 5,
}
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
        created += self.ensure_library_post(boards, members)
        self.ensure_levels(members)
        self.stdout.write(f"데모 글 {created}개를 새로 만들었습니다 ({time.monotonic() - phase:.1f}초).")
        demo_community.ensure_categories(boards)
        demo_community.ensure_comment_votes(members)
        demo_community.ensure_scraps(members)
        self.ensure_messages(members)
        if options["posts"] > 0 and not fresh:
            latest = Post.objects.order_by("-created_at").values_list("created_at", flat=True).first()
            self.generate(options, boards, members, start=min(latest, now), end=now)
        self.stdout.write(self.style.SUCCESS(f"완료 ({time.monotonic() - started:.1f}초)."))
        self.stdout.write(f"관리자 로그인: 아이디 {ADMIN_USERNAME} / 비밀번호 {admin_password} (/admin/)")
        self.stdout.write(f"데모 회원 비밀번호: {DEMO_PASSWORD} (예: {members[0].username})")

    def generate(self, options, boards, members, *, start, end):
        # Query logging (on under DEBUG) would double the time of a bulk load.
        settings.DEBUG = False
        demo_community.ensure_categories(boards)
        last_id = Post.objects.order_by("-id").values_list("id", flat=True).first() or 0
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
        demo_community.categorise_generated(last_id)

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
                    **BOARD_OPTIONS.get(slug, {}),
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

    def ensure_messages(self, members):
        """A few 쪽지 between demo members (some read) and comments with @닉네임 mentions,
        through the services, so the 알림 and unread counts are the ones members would get."""
        if not Message.objects.filter(sender__in=members).exists():
            for item in demo_content.DEMO_MESSAGES:
                message = messaging.send_message(
                    sender=members[item["from"]], recipient=members[item["to"]], body=item["body"]
                )
                if item["read"]:
                    messaging.read_message(user=members[item["to"]], message=message)
        for item in demo_content.DEMO_MENTIONS:
            post = Post.objects.filter(title=item["post"]).first()
            if post is None or Comment.objects.filter(post=post, body=item["body"]).exists():
                continue
            services.add_comment(post=post, author=members[item["author"]], body=item["body"])
        # 모두 읽음 for the first member, as a member who keeps up would have.
        notifying.mark_all_notifications_read(user=members[1])

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
        for _ in article.get("upvoters", []):  # 추천 received earns its author points, as live votes do
            award_points(
                member_id=post.author_id, amount=board.points_vote_received, reason=PointEntry.VOTE, post_id=post.pk
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

    def ensure_library_post(self, boards, members):
        """One post of 자료실 with a PDF attachment, through the same checks as an upload."""
        board = boards["data"]
        if Post.objects.filter(board=board, title=LIBRARY_POST["title"]).exists():
            return 0
        upload = SimpleUploadedFile(LIBRARY_POST["file"], demo_pdf(), "application/pdf")
        checked = attachments.check_upload(upload, max_bytes=board.attachment_max_mb * 1024 * 1024)
        with transaction.atomic():
            services.create_post(
                board=board,
                author=members[LIBRARY_POST["author"]],
                title=LIBRARY_POST["title"],
                body=LIBRARY_POST["body"],
                tags=["보고서", "AI인덱스"],
                created_at=timezone.now() - timedelta(hours=LIBRARY_POST["hours_ago"]),
                files=[checked],
            )
        return 1

    def ensure_levels(self, members):
        """Past days' 오늘 첫 로그인 in each member's point history (once: a member with any
        is left alone), and the levels 운영진 set by hand."""
        today = timezone.now()
        for member, days in zip(members, LOGIN_DAYS, strict=False):
            if PointEntry.objects.filter(member=member, reason=PointEntry.LOGIN).exists():
                continue
            with transaction.atomic():
                for day in range(days, 0, -1):
                    entry = award_points(
                        member_id=member.pk, amount=settings.BOARD_POINTS_DAILY_LOGIN, reason=PointEntry.LOGIN
                    )
                    if entry is not None:
                        PointEntry.objects.filter(pk=entry.pk).update(created_at=today - timedelta(days=day))
        # The history dated like the content it is for (the demo's posts and comments are
        # dated hours and days back, the rows were written now).
        comment_time = Comment.objects.filter(pk=OuterRef("comment_id")).values("created_at")
        post_time = Post.objects.filter(pk=OuterRef("post_id")).values("created_at")
        PointEntry.objects.filter(comment__isnull=False).update(created_at=Subquery(comment_time))
        PointEntry.objects.filter(comment__isnull=True, post__isnull=False).update(created_at=Subquery(post_time))
        for username, level in LEVEL_OVERRIDES.items():
            User.objects.filter(username=username, level_override__isnull=True).update(level_override=level)


def demo_pdf():
    """A small, valid one-page PDF (what the attachment checks and a reader expect)."""
    text = b"BT /F1 18 Tf 72 720 Td (AI Index 2025 summary - demo) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


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

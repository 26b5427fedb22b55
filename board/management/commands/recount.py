from django.core.management.base import BaseCommand

from board import services

LABELS = {
    "comment_count": "글의 댓글 수",
    "upvote_count": "글의 추천 수",
    "downvote_count": "글의 비추천 수",
    "attachment_count": "글의 첨부파일 수",
    "post_count": "게시판의 글 수",
    "comment_upvote_count": "댓글의 추천 수",
    "points": "회원의 포인트",
    "unread_message_count": "회원의 읽지 않은 쪽지 수",
    "unread_notification_count": "회원의 읽지 않은 알림 수",
}


class Command(BaseCommand):
    help = (
        "댓글·추천·비추천·게시판 글 수와 회원의 포인트, 읽지 않은 쪽지·알림 수를 실제 행에서 다시 계산합니다. "
        "조회수는 그대로 둡니다."
    )

    def handle(self, *args, **options):
        fixed = services.recount_counters()
        for field, label in LABELS.items():
            self.stdout.write(f"{label}: {fixed[field]:,}개 고침")
        total = sum(fixed.values())
        message = "모든 카운터가 맞았습니다." if total == 0 else f"카운터 {total:,}개를 고쳤습니다."
        self.stdout.write(self.style.SUCCESS(message))

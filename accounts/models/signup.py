"""Sign-up: 이용약관 and 개인정보 수집·이용 동의 as versioned documents, each member's consents
as a history, and e-mail confirmation."""

from django.conf import settings
from django.db import models
from django.utils import timezone

# Separate models, not fields on User: a member's consents are a history (each change is a
# row with its time), and most members never have a confirmation row at all.

TERMS, PRIVACY, MARKETING = "terms", "privacy", "marketing"
DOCUMENT_KINDS = [(TERMS, "이용약관"), (PRIVACY, "개인정보 수집·이용 동의")]
CONSENT_KINDS = [*DOCUMENT_KINDS, (MARKETING, "마케팅 정보 수신 동의")]
REQUIRED_CONSENTS = (TERMS, PRIVACY)


class PolicyDocumentQuerySet(models.QuerySet):
    def in_effect(self, now=None):
        return self.filter(effective_at__lte=now or timezone.now())

    def current(self, kind):
        """The version members agree to now: the highest version already in effect (None if
        none). A version with a later 시행일 waits until then."""
        return self.in_effect().filter(kind=kind).order_by("-version").first()


class PolicyDocument(models.Model):
    """이용약관 or 개인정보 수집·이용 동의, one row per version. A version members have agreed
    to is never edited (admin makes it read-only); a change is a new version."""

    kind = models.CharField("종류", max_length=20, choices=DOCUMENT_KINDS)
    version = models.PositiveIntegerField("버전")
    title = models.CharField("제목", max_length=100)
    body = models.TextField("내용", help_text="일반 텍스트. 빈 줄로 문단을 나눕니다.")
    effective_at = models.DateTimeField("시행일", default=timezone.now)
    created_at = models.DateTimeField("작성일", auto_now_add=True)

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "약관"
        verbose_name_plural = "약관"
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="policy_document_kind_version")]

    def __str__(self):
        return f"{self.get_kind_display()} 제{self.version}판"


class ConsentRecordQuerySet(models.QuerySet):
    def latest_per_kind(self, user):
        """{kind: the member's newest record of it}, in one query."""
        latest = {}
        for record in self.filter(user=user).select_related("document").order_by("recorded_at", "pk"):
            latest[record.kind] = record
        return latest


class ConsentRecord(models.Model):
    """One consent given or withdrawn: what (the document's version for 약관), yes or no, and
    when. Rows are only added, so the history shows every change of the marketing consent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField("종류", max_length=20, choices=CONSENT_KINDS)
    document = models.ForeignKey(
        PolicyDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="consents", verbose_name="약관"
    )
    agreed = models.BooleanField("동의")
    recorded_at = models.DateTimeField("일시", default=timezone.now)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "동의 기록"
        verbose_name_plural = "동의 기록"
        indexes = [models.Index(fields=["user", "kind", "recorded_at"], name="consent_user_kind_time")]

    def __str__(self):
        return f"{self.get_kind_display()} {'동의' if self.agreed else '거부'}"


class EmailConfirmation(models.Model):
    """A member who joined while ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION was on, and the address
    they confirm. No row means nothing to confirm: members from before, imported ones, ones
    made in admin."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_confirmation", verbose_name="회원"
    )
    email = models.EmailField("이메일")
    sent_at = models.DateTimeField("마지막 발송", null=True, blank=True)
    confirmed_at = models.DateTimeField("인증일", null=True, blank=True)

    class Meta:
        verbose_name = "이메일 인증"
        verbose_name_plural = "이메일 인증"

    def __str__(self):
        return f"{self.email} ({'인증됨' if self.confirmed_at else '대기'})"

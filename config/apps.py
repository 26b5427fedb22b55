"""Third-party apps under Korean names. Neither django-taggit nor django-axes has a Korean
translation, so the admin showed "TAGGIT / Tags" and "AXES / Access attempts"; these
configs (named in INSTALLED_APPS) give their sections, models and the admin's columns
Korean names once, when the apps are ready."""

from axes.apps import AppConfig as AxesAppConfig
from taggit.apps import TaggitAppConfig


def name_in_korean(model, name, fields):
    model._meta.verbose_name = model._meta.verbose_name_plural = name
    for field, label in fields.items():
        model._meta.get_field(field).verbose_name = label


class TagsConfig(TaggitAppConfig):
    verbose_name = "태그"

    def ready(self):
        super().ready()
        from taggit.models import Tag, TaggedItem

        name_in_korean(Tag, "태그", {"name": "이름", "slug": "주소"})
        name_in_korean(TaggedItem, "태그 연결", {"tag": "태그", "object_id": "글 번호"})


ACCESS_FIELDS = {
    "user_agent": "브라우저",
    "ip_address": "IP 주소",
    "username": "아이디",
    "http_accept": "HTTP Accept",
    "path_info": "경로",
    "attempt_time": "시도 시각",
}


class LoginLockoutConfig(AxesAppConfig):
    """django-axes, the login brake (issue 13): its records in the admin."""

    verbose_name = "로그인 제한"

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog

        name_in_korean(
            AccessAttempt,
            "로그인 실패 누적",
            {**ACCESS_FIELDS, "get_data": "GET 값", "post_data": "POST 값", "failures_since_start": "실패 횟수"},
        )
        name_in_korean(AccessFailureLog, "로그인 실패 기록", {**ACCESS_FIELDS, "locked_out": "잠김"})
        name_in_korean(AccessLog, "로그인 기록", {**ACCESS_FIELDS, "logout_time": "로그아웃 시각"})
        name_in_korean(AccessAttemptExpiration, "로그인 제한 만료", {"expires_at": "만료 시각"})

from django.apps import AppConfig
from taggit.apps import TaggitAppConfig


class BoardConfig(AppConfig):
    default = True  # the app's own config, beside TagsConfig below
    default_auto_field = "django.db.models.BigAutoField"
    name = "board"
    verbose_name = "게시판"


class TagsConfig(TaggitAppConfig):
    """django-taggit under a Korean name: the library has no Korean translation, and its
    section read "TAGGIT / Tags" in the admin. Its models' names are set once here."""

    verbose_name = "태그"

    def ready(self):
        super().ready()
        from taggit.models import Tag, TaggedItem

        for model, singular in ((Tag, "태그"), (TaggedItem, "태그 연결")):
            model._meta.verbose_name = model._meta.verbose_name_plural = singular
        for model, fields in (
            (Tag, {"name": "이름", "slug": "주소"}),
            (TaggedItem, {"tag": "태그", "object_id": "글 번호"}),
        ):
            for name, label in fields.items():
                model._meta.get_field(name).verbose_name = label

import base64
import re
import secrets

from django import forms
from django.conf import settings
from django.core.validators import URLValidator

from . import attachments, images, markup, source_urls
from .form_input import clean_text, parse_picture_tokens, parse_tags, pending_pictures
from .form_messages import KoreanForm
from .models import Attachment, Category, Comment, Post, Report

PLACEHOLDER_HELP = "본문에 [이미지1], [이미지2]처럼 쓰면 그 자리에 들어가고, 없으면 본문 뒤에 붙습니다."


class ControlCharacterValidator:
    """Refuses C0/C1 control characters (markup.CONTROL_CHARACTERS): invisible, and one in a
    title once broke every feed of the site. Multi-line text keeps tab and line breaks."""

    code = "control_character"

    def __init__(self, *, multiline):
        self.multiline = multiline

    def __call__(self, value):
        found = markup.find_control_character(str(value), multiline=self.multiline)
        if found is not None:
            raise forms.ValidationError(
                f"보이지 않는 제어 문자(U+{ord(found):04X})가 들어 있습니다. 지우고 다시 입력해 주세요.",
                code=self.code,
            )


def guard_text_field(field):
    """Give a text field the control-character check, once. Passwords are left as typed:
    they are hashed, never shown or stored as text."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return
    if not any(isinstance(validator, ControlCharacterValidator) for validator in field.validators):
        field.validators.append(ControlCharacterValidator(multiline=isinstance(field.widget, forms.Textarea)))


class RefuseControlCharacters:
    """Mixed into every form of the site (through SiteForm, SiteModelForm and the admin's
    forms): each text field refuses control characters with a Korean message. Applied when
    the form is validated, so fields added in a subclass's __init__ are covered too;
    tests/test_control_characters.py fails for a form of board/ or accounts/ without it."""

    def full_clean(self):
        for field in self.fields.values():
            guard_text_field(field)
        super().full_clean()


class SiteForm(KoreanForm, RefuseControlCharacters, forms.Form):
    """Every form of the site: our own Korean messages, no colon after a label
    (form_messages.KoreanForm), no control characters."""


class SiteModelForm(KoreanForm, RefuseControlCharacters, forms.ModelForm):
    """As SiteForm, for a model's form."""


class SubmissionKeyField(forms.CharField):
    """The form's one-time key: made when the form is first shown, sent back with every
    submission of it (a preview, a refusal, Back then 등록 again), so the service can tell a
    repeat from a new write (services: create_post, add_comment)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=32, widget=forms.HiddenInput, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        # Anything but our own tokens (URL-safe base64) means "no key": the write goes
        # through, just without the protection.
        return value if re.fullmatch(r"[A-Za-z0-9_-]{16,32}", value or "") else ""


def new_submission_key():
    return secrets.token_urlsafe(16)


def new_submission_keys(count):
    """`count` new keys (as bytes) from one read of the system's random source: a member's
    article has a form, and so a key, for every comment's 답글."""
    random = secrets.token_bytes(16 * count)
    return [base64.urlsafe_b64encode(random[i : i + 16]).rstrip(b"=") for i in range(0, 16 * count, 16)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one input; each is checked and re-encoded by images.prepare_upload."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(f, initial) for f in files if f]


class SourceURLField(forms.URLField):
    """원문 URL: http(s) only, and none of the characters that let a URL break out of an
    attribute, a feed or an importer's quoting. They are checked before the URL is parsed,
    so the member is told which characters are the problem."""

    unsafe = re.compile(r"[\"'<>`\s\x00-\x1f\x7f-\x9f]")
    default_error_messages = {
        "unsafe": (
            "원문 URL에는 따옴표(\" '), 꺾쇠(< >), 백틱(`), 공백이나 제어 문자를 쓸 수 없습니다. "
            "꼭 필요하면 %22, %20처럼 인코딩된 주소를 붙여 넣어 주세요."
        ),
    }

    def to_python(self, value):
        if self.unsafe.search(forms.CharField.to_python(self, value)):  # the value, surrounding spaces trimmed
            raise forms.ValidationError(self.error_messages["unsafe"], code="unsafe")
        return super().to_python(value)


class PostForm(SiteModelForm):
    """글쓰기 and 수정. Besides the post's fields it carries the member's pictures across
    round trips (미리보기, the image list's buttons, a refused submission): `attached` names
    the pictures already stored, in order (PostImage "p<id>" of this post, the member's
    PendingImage "t<id>"); `images` are files chosen now."""

    tags_text = forms.CharField(
        label="태그",
        required=False,
        max_length=400,
        help_text=f"쉼표로 구분해 최대 {settings.BOARD_MAX_TAGS}개",
    )
    source_url = SourceURLField(
        label="원문 URL",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="http:// 또는 https:// 주소",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "원문 URL은 http:// 또는 https:// 주소만 쓸 수 있습니다."},
    )
    confirm_duplicate = forms.BooleanField(label="같은 기사인 줄 알고, 그래도 올립니다", required=False)
    images = MultipleImageField(
        label="이미지",
        help_text=(
            f"JPEG, PNG, GIF, WebP · 최대 {settings.BOARD_MAX_IMAGES}장, 장당 10MB. "
            + PLACEHOLDER_HELP
            + " 미리보기를 해도 고른 이미지는 그대로 남습니다."
        ),
    )
    category = forms.ModelChoiceField(
        label="말머리",
        queryset=Category.objects.none(),
        required=False,
        empty_label="말머리 없음",
        error_messages={
            "required": "말머리를 골라 주세요.",
            "invalid_choice": "이 게시판의 말머리가 아닙니다. 목록에서 골라 주세요.",
        },
    )
    files = MultipleImageField(label="첨부파일", widget=MultipleFileInput())
    drop_files = forms.ModelMultipleChoiceField(
        label="뺄 첨부파일", queryset=Attachment.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    submission_key = SubmissionKeyField(initial=new_submission_key)
    attached = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    class Meta:
        model = Post
        fields = ("title", "body", "source_url")
        labels = {"title": "제목", "body": "본문"}
        help_texts = {"body": "마크다운으로 씁니다."}
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        error_messages = {
            "title": {"required": "제목을 입력해 주세요.", "max_length": "제목은 200자 이하로 입력해 주세요."},
            "body": {"required": "본문을 입력해 주세요."},
        }

    def __init__(self, *args, board, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.board, self.owner = board, owner
        self.duplicate = None
        self.missing_pictures = 0
        self.fields["body"].widget.attrs["maxlength"] = settings.BOARD_POST_MAX_LENGTH
        self.setup_category(board)
        kinds = attachments.allowed_extensions()
        self.fields["files"].widget.attrs["accept"] = ",".join(f".{kind}" for kind in kinds)
        self.fields["files"].help_text = (
            f"{', '.join(kind.upper() for kind in kinds)} · 최대 {board.attachment_max_count}개, "
            f"파일당 {board.attachment_max_mb}MB. 미리보기나 오류로 돌아오면 다시 골라 주세요."
        )
        if self.instance.pk:
            # Only this post's attachments can be named: another post's id is an invalid choice.
            self.fields["drop_files"].queryset = self.instance.attachments.all()
        if self.instance.pk and not self.is_bound:
            pictures = list(self.instance.images.all())
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())
            self.initial["body"] = markup.images_to_placeholders(
                self.instance.body, [picture.image.url for picture in pictures]
            )
            self.initial["attached"] = ",".join(picture.token for picture in pictures)

    def setup_category(self, board):
        """말머리: only this board's (an id of another board's is refused), required where
        the board says so; no field at all on a board without any."""
        field = self.fields["category"]
        field.queryset = Category.objects.of_board(board)
        self.has_category = field.queryset.exists()
        if not self.has_category:
            del self.fields["category"]
            return
        field.required = board.category_required
        if field.required:
            field.empty_label = "말머리를 고르세요"
        if self.instance.pk and not self.is_bound:
            self.initial["category"] = self.instance.category_id

    def clean_category(self):
        if self.instance.pk and self.add_prefix("category") not in self.data:
            # A form without the field (an old page, a script) changes no 말머리.
            return self.instance.category
        return self.cleaned_data["category"]

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("제목을 입력해 주세요.")
        return title

    def clean_body(self):
        return clean_text(self.cleaned_data["body"], settings.BOARD_POST_MAX_LENGTH, "본문")

    def clean_tags_text(self):
        return parse_tags(self.cleaned_data["tags_text"])

    def clean_attached(self):
        """The pictures the tokens name, in order. Only this post's pictures and this member's
        own pending ones count: another member's id, or one cleaned up meanwhile, finds
        nothing and is left out (and the member is told)."""
        if self.instance.pk and self.add_prefix("attached") not in self.data:
            # A form without the list (not ours: an old page, a script) changes no picture.
            return list(self.instance.images.all())
        tokens = parse_picture_tokens(self.cleaned_data["attached"])
        own = {}
        if self.instance.pk:
            own.update({p.token: p for p in self.instance.images.filter(pk__in=tokens["p"])})
        if tokens["t"]:
            own.update({p.token: p for p in pending_pictures(self.owner, tokens["t"])})
        pictures = [own[token] for token in tokens["order"] if token in own]
        self.missing_pictures = len(tokens["order"]) - len(pictures)
        return pictures

    def clean_images(self):
        uploads = self.cleaned_data["images"]
        prepared, errors = [], []
        for upload in uploads:
            try:
                prepared.append(images.prepare_upload(upload))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return prepared

    def clean_files(self):
        checked, errors = [], []
        for upload in self.cleaned_data["files"]:
            try:
                checked.append(attachments.check_upload(upload, max_bytes=self.board.attachment_max_mb * 1024 * 1024))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked

    def kept_files(self):
        """The post's attachments left after this edit (None for a new post)."""
        if not self.instance.pk:
            return None
        dropped = {row.pk for row in self.cleaned_data.get("drop_files") or []}
        return [row for row in self.instance.attachments.all() if row.pk not in dropped]

    def clean(self):
        cleaned = super().clean()
        files = cleaned.get("files") or []
        if files and len(self.kept_files() or []) + len(files) > self.board.attachment_max_count:
            limit = self.board.attachment_max_count
            refusal = f"첨부파일은 글 하나에 {limit}개까지 올릴 수 있습니다."
            self.add_error("files", refusal if limit else "이 게시판은 첨부파일을 받지 않습니다.")
        attached, new = cleaned.get("attached", []), cleaned.get("images", [])
        if len(attached) + len(new) > settings.BOARD_MAX_IMAGES:
            self.add_error(
                "images", f"이미지는 글 하나에 {settings.BOARD_MAX_IMAGES}장까지 올릴 수 있습니다. 몇 장을 빼 주세요."
            )
        if self.missing_pictures:
            self.add_error(
                "images",
                f"고른 이미지 {self.missing_pictures}장을 찾을 수 없어 뺐습니다 "
                f"(고른 지 {settings.BOARD_PENDING_IMAGE_HOURS}시간이 지나면 지워집니다). 다시 골라 주세요.",
            )
        self.duplicate = self.find_duplicate(cleaned.get("source_url", ""))
        if self.duplicate is not None and not cleaned.get("confirm_duplicate"):
            self.add_error("source_url", "이미 올라온 기사입니다.")
        return cleaned

    def find_duplicate(self, source_url):
        """A visible post of this board with the same 원문 (normalised), unless this is the
        post's own, unchanged 원문 (an edit must not be nagged about its own link)."""
        key = source_urls.normalise(source_url)
        if not key or (self.instance.pk and key == self.instance.source_key):
            return None
        found = Post.objects.visible().in_board(self.board).same_source(key).select_related("author")
        if self.instance.pk:
            found = found.exclude(pk=self.instance.pk)
        return found.newest_first().first()


class CommentForm(SiteModelForm):
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    submission_key = SubmissionKeyField(initial=new_submission_key)

    class Meta:
        model = Comment
        fields = ("body",)
        labels = {"body": "댓글"}
        widgets = {"body": forms.Textarea(attrs={"rows": 3, "placeholder": "댓글을 입력하세요."})}
        error_messages = {"body": {"required": "댓글 내용을 입력해 주세요."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.BOARD_COMMENT_MAX_LENGTH

    def clean_body(self):
        return clean_text(self.cleaned_data["body"], settings.BOARD_COMMENT_MAX_LENGTH, "댓글")


class ScrapForm(SiteForm):
    memo = forms.CharField(
        label="메모",
        required=False,
        max_length=200,
        help_text="나만 보는 메모입니다. 200자까지 쓸 수 있습니다.",
        error_messages={"max_length": "메모는 200자 이하로 입력해 주세요."},
    )

    def clean_memo(self):
        return " ".join(self.cleaned_data["memo"].split())


class ReportForm(SiteForm):
    reason = forms.ChoiceField(label="신고 사유", choices=Report.REASON_CHOICES, widget=forms.RadioSelect)
    detail = forms.CharField(
        label="자세한 내용",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="기타를 고르면 꼭 적어 주세요.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == Report.OTHER and not cleaned.get("detail", "").strip():
            self.add_error("detail", "기타 사유를 적어 주세요.")
        return cleaned


class ModerationForm(SiteForm):
    action = forms.ChoiceField(
        choices=[("hide", "숨기기"), ("restore", "복원"), ("pin", "공지"), ("unpin", "공지 해제")]
    )
    reason = forms.CharField(required=False, max_length=500)


class CommentModerationForm(SiteForm):
    action = forms.ChoiceField(choices=[("hide", "숨기기"), ("restore", "복원")])
    reason = forms.CharField(required=False, max_length=500)

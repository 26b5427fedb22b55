"""Every form of the site speaks its own Korean: no colon after a label, and for every rule a
field has (required, too long, too short, not a number, not an e-mail address, not a choice)
a sentence written for this site and built from the field's label with the right particle,
instead of Django's generic "이 값이 최소 2 개의 글자인지 확인하세요(입력값 1 자)".

A form mixes in `KoreanForm`; a message a form sets itself (Meta.error_messages, a field's
error_messages) is kept. tests/test_form_messages.py goes through every form of board/ and
accounts/ and fails on a Django default message or a label ending in a colon.
"""

from django import forms

from .korean import particle


def _with(label, which):
    return f"{label}{particle(label, which)}"


def _required(field, label):
    if isinstance(field, forms.BooleanField):
        return f"{_with(label, '을')} 체크해 주세요."
    if isinstance(field, forms.FileField):
        return f"{_with(label, '을')} 올려 주세요."
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return f"{_with(label, '을')} 골라 주세요."
    return f"{_with(label, '을')} 입력해 주세요."


def _invalid(field, label):
    if isinstance(field, forms.EmailField):
        return "이메일 주소 형식이 아닙니다. name@example.com처럼 입력해 주세요."
    if isinstance(field, forms.URLField):
        return f"{label}: http:// 또는 https://로 시작하는 주소를 입력해 주세요."
    if isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        return f"{_with(label, '은')} 숫자로 입력해 주세요."
    if isinstance(field, forms.FileField):
        return f"{label}: 파일을 읽을 수 없습니다. 다시 골라 주세요."
    return f"{label}: 형식이 맞지 않습니다."


def korean_messages(field, name):
    """Our messages for the rules of `field` (whose label or name is used), where the form
    did not set one of its own (a message still equal to Django's default is replaced)."""
    label = str(field.label or name)
    defaults = django_defaults(field)
    ours = {
        "required": _required(field, label),
        "invalid": _invalid(field, label),
        "max_length": f"{_with(label, '은')} %(limit_value)d자 이하로 입력해 주세요. (지금 %(show_value)d자)",
        "min_length": f"{_with(label, '은')} %(limit_value)d자 이상 입력해 주세요. (지금 %(show_value)d자)",
        "invalid_choice": f"{label}: 보기에 있는 것을 골라 주세요.",
        "invalid_list": f"{label}: 보기에 있는 것을 골라 주세요.",
        "max_value": f"{_with(label, '은')} %(limit_value)s 이하로 입력해 주세요.",
        "min_value": f"{_with(label, '은')} %(limit_value)s 이상으로 입력해 주세요.",
        "step_size": f"{_with(label, '은')} %(limit_value)s 단위로 입력해 주세요.",
        "max_digits": f"{_with(label, '은')} %(max)s자리까지 입력할 수 있습니다.",
        "max_decimal_places": f"{label}: 소수점 아래는 %(max)s자리까지입니다.",
        "max_whole_digits": f"{label}: 정수 부분은 %(max)s자리까지입니다.",
        "missing": f"{label}: 파일이 오지 않았습니다. 다시 골라 주세요.",
        "empty": f"{label}: 빈 파일은 올릴 수 없습니다.",
        "max_length_file": f"{label}: 파일 이름은 %(max)d자 이하여야 합니다.",
        "contradiction": f"{label}: 파일을 고르거나 지우기 중 하나만 해 주세요.",
        "invalid_image": f"{label}: 이미지 파일이 아닙니다. JPEG, PNG, GIF, WebP만 올릴 수 있습니다.",
        "invalid_pk_value": f"{label}: 보기에 있는 것을 골라 주세요.",
        "overflow": f"{label}: 날짜나 시각이 너무 큽니다.",
        "null_characters_not_allowed": f"{label}: 보이지 않는 제어 문자(NUL)가 들어 있습니다. 지워 주세요.",
    }
    if isinstance(field, forms.FileField):
        ours["max_length"] = ours.pop("max_length_file")
    else:
        ours.pop("max_length_file")
    # Rules live in error_messages or in validators (whose message a code in error_messages
    # replaces: Field.run_validators).
    codes = {getattr(validator, "code", None) for validator in field.validators}
    for code in set(field.error_messages) | codes | {"max_length", "min_length", "max_value", "min_value"}:
        current = field.error_messages.get(code)
        if code in ours and (current is None or str(current) == str(defaults.get(code))):
            field.error_messages[code] = ours[code]


def django_defaults(field):
    """Django's own messages for this field's class (and its parents), as shown now."""
    found = {}
    for cls in reversed(type(field).__mro__):
        found.update(getattr(cls, "default_error_messages", {}))
    return found


class KoreanForm:
    """Mix into a form (before forms.Form or forms.ModelForm): labels without a colon, and
    korean_messages() for every field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            korean_messages(field, name)

"""Parsing what the post and comment forms receive: the picture list, text lengths, tags.
Kept apart from forms.py, which holds the form classes."""

import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from .models import PendingImage

PICTURE_TOKEN = re.compile(r"^([pt])([1-9][0-9]{0,17})$")


def parse_picture_tokens(text):
    """ "p3,t9,p1" → {"order": ["p3", "t9", "p1"], "p": [3, 1], "t": [9]}; anything else is
    left out, and a token named twice counts once."""
    found = {"order": [], "p": [], "t": []}
    for token in (text or "").split(","):
        match = PICTURE_TOKEN.match(token.strip())
        if match and match.group(0) not in found["order"]:
            found["order"].append(match.group(0))
            found[match.group(1)].append(int(match.group(2)))
    return found


def pending_pictures(owner, ids):
    cutoff = timezone.now() - timedelta(hours=settings.BOARD_PENDING_IMAGE_HOURS)
    return PendingImage.objects.filter(owner=owner, pk__in=ids, created_at__gte=cutoff)


def clean_text(text, max_length, what):
    text = text.replace("\x00", "")
    if not text.strip():
        raise forms.ValidationError(f"{what} 내용을 입력해 주세요.")
    if len(text) > max_length:
        raise forms.ValidationError(f"{what}은(는) {max_length:,}자 이하로 입력해 주세요. (지금 {len(text):,}자)")
    return text


def parse_tags(text):
    """ "LLM, 강화학습, llm" → ["LLM", "강화학습"]: trimmed, case-insensitively unique."""
    tags, seen = [], set()
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > 30:
            raise forms.ValidationError(f"태그는 30자 이하로 입력해 주세요: {tag[:30]}…")
        if any(ch in tag for ch in '<>"#'):
            raise forms.ValidationError(f'태그에는 < > " # 기호를 쓸 수 없습니다: {tag}')
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > settings.BOARD_MAX_TAGS:
        raise forms.ValidationError(f"태그는 {settings.BOARD_MAX_TAGS}개까지 달 수 있습니다.")
    return tags

from django import template
from django.utils import timezone

from accounts.models import display_name_of, shows_staff_badge
from board import memberslots
from board.forms import new_submission_key
from board.models import byline_of

register = template.Library()


@register.filter
def list_date(value):
    """List rows show today's posts by time (14:05) and older ones by date (2025.09.18)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return local.strftime("%Y.%m.%d")


@register.filter
def full_date(value):
    """작성일 as the source page prints it: 2025.09.18 02:46."""
    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y.%m.%d %H:%M")


@register.filter
def machine_time(value):
    """<time datetime> in whole seconds (2025-09-18T02:46:00+09:00): HTML allows at most
    three digits of a fraction, and Django's "c" format prints six."""
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.inclusion_tag("includes/byline.html")
def byline(item=None, *, name=None, staff=False):
    """작성자 wherever a page shows one, with the 운영진 badge beside a staff member's name:
    `{% byline post %}` (a post or comment: its member, or an imported visitor's name marked
    비회원, models.byline_of), `{% byline member %}`, or from cached values
    `{% byline name=… staff=… %}`. Reads only the author row a page selected with its items,
    so it costs no query."""
    if name is None:
        if hasattr(item, "author_id"):  # a post or a comment
            name = byline_of(item)
            staff = item.author_id is not None and shows_staff_badge(item.author)
        else:
            name, staff = display_name_of(item), shows_staff_badge(item)
    return {"name": name, "staff": staff}


@register.simple_tag(takes_context=True)
def page_url(context, number, base="", extra="", param="", anchor=""):
    """A pager link: the list at `base` (keeping the `extra` query, e.g. a search), or else
    the current URL with only ?page= changed (so a search or sort stays in the pager).
    `param` names another page parameter (the comments' cpage), `anchor` a place to land."""
    param = param or "page"
    if base:
        extra = extra.lstrip("?")
        return f"{base}?{extra}&{param}={number}{anchor}" if extra else f"{base}?{param}={number}{anchor}"
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode() + anchor


@register.simple_tag
def member_slot(name, arg=None):
    """Where a member's own part of a page members share goes (board/memberslots.py)."""
    return memberslots.slot(name, arg)


@register.simple_tag
def submission_key():
    """A new one-time key for a form written out by hand (a reply box): see
    forms.SubmissionKeyField."""
    return new_submission_key()

import functools
from urllib.parse import quote

from django import template
from django.template import engines
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.models import can_exchange_messages, display_name_of, shows_staff_badge
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


@register.simple_tag
def byline(item=None, *, name=None, staff=False, level=None, menu=True):
    """작성자 wherever a page shows one, with the member's level (Lv.3) and the 운영진 badge
    beside a staff member's name: `{% byline post %}` (a post or comment: its member, or an
    imported visitor's name marked 비회원, models.byline_of), `{% byline member %}`, or from
    cached values `{% byline name=… staff=… level=… %}`. Reads only the author row a page
    selected with its items (the level is its points or its override), so it costs no
    query. Built here rather than in a template: a list prints it on every row, and a
    template per name was a tenth of a list's rendering.

    A member's name opens a name menu (작성글 보기, 쪽지 보내기): a <details>, so it works
    without JavaScript, the same for every reader (shared pages stay shared)."""
    member = None
    if name is None:
        if hasattr(item, "author_id"):  # a post or a comment
            name = byline_of(item)
            member = item.author if item.author_id is not None else None
        else:
            member = item
            name = display_name_of(item)
        staff = shows_staff_badge(member)
        # 운영진 carry their badge instead of a level (it would only say how much they post).
        if member is not None and member.withdrawn_at is None and not staff:
            level = member.level
    badges = format_html('<span class="author">{}</span>', name)
    if staff:
        badges = format_html('{} <span class="badge badge-staff" title="사이트 운영진">운영진</span>', badges)
    if level:
        badges = format_html(
            '{} <span class="badge badge-level" title="회원 레벨 {}">Lv.{}</span>', badges, level, level
        )
    shown = format_html('<span class="byline">{}</span>', badges)
    if not menu or member is None or member.withdrawn_at is not None:
        return shown
    return name_menu(member, shown)


def name_menu(member, shown):
    """The name menu around a member's byline: their profile and, if they can receive one,
    a 쪽지 form with them filled in."""
    profile = _reverse(get_urlconf(), get_script_prefix(), "profile", (member.username,))
    items = format_html('<a href="{}">작성글 보기</a>', profile)
    if can_exchange_messages(member):
        compose = _reverse(get_urlconf(), get_script_prefix(), "accounts:message_compose", ())
        items += format_html('<a href="{}?to={}">쪽지 보내기</a>', compose, quote(member.nickname))
    return format_html(
        '<details class="name-menu"><summary>{}</summary><span class="name-menu-list">{}</span></details>', shown, items
    )


@register.filter
def thousands(value):
    """A count as lists show it (1,234): what humanize's intcomma prints for Korean, without
    its locale lookups on every number of every row."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


@functools.lru_cache(maxsize=8192)
def _reverse(urlconf, prefix, viewname, args):
    return reverse(viewname, urlconf=urlconf, args=args)


@register.simple_tag
def link(viewname, *args):
    """`{% url %}` for the links a page prints many times (a list's rows and tags): each
    address is worked out once per process."""
    return _reverse(get_urlconf(), get_script_prefix(), viewname, args)


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
def post_rows(posts, board_slug="", *, notice=False, show_tags=False, link_query="", query=None, mark_current=False):
    """The rows of a post list, `<li class="post-row">` each (templates/jinja2/board/_post_rows.html).
    board_slug: the board all rows are in (else each post's own, select_related("board"));
    notice: rows of 공지; show_tags: the tags attach_tags() put on each post; link_query:
    kept on each article link (a search); query: the search whose words are marked;
    mark_current: marks where 열람중 goes, for fragments.show_current (a board's rows are
    one cached part for its list page and every article on it)."""
    template = engines["jinja2"].get_template("board/_post_rows.html")
    context = {
        "posts": posts,
        "board_slug": board_slug,
        "notice": notice,
        "show_tags": show_tags,
        "link_query": link_query,
        "query": query,
        "mark_current": mark_current,
    }
    return mark_safe(template.render(context))  # noqa: S308 - Jinja2 escaped every value (autoescape)


@register.simple_tag
def member_slot(name, arg=None):
    """Where a member's own part of a page members share goes (board/memberslots.py)."""
    return memberslots.slot(name, arg)


@register.simple_tag
def submission_key():
    """A new one-time key for a form written out by hand (a reply box): see
    forms.SubmissionKeyField."""
    return new_submission_key()

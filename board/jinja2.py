"""The Jinja2 environment of the few templates rendered by Jinja2 rather than Django's
engine (templates/jinja2/; today the rows of every post list): the same filters and helpers
the Django templates use, from the same functions, so a row looks the same either way."""

from jinja2 import Environment

from . import fragments
from .templatetags import board_tags, highlight


def environment(**options):
    env = Environment(**options)  # noqa: S701 - settings turn autoescape on (Django's Jinja2 backend default)
    env.filters.update(
        highlight=highlight.highlight,
        snippet=highlight.snippet,
        list_date=board_tags.list_date,
        machine_time=board_tags.machine_time,
        thousands=board_tags.thousands,
    )
    env.globals.update(link=board_tags.link, byline=board_tags.byline, current=fragments.current_mark)
    return env

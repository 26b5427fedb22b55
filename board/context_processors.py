from django.utils.functional import SimpleLazyObject

from . import memberslots
from .sidebar import board_menu, sidebar


def site_chrome(request):
    # Lazy, so that pages without the header and sidebar (admin, feeds) cost nothing.
    chrome = {
        "board_menu": SimpleLazyObject(board_menu),
        "sidebar": SimpleLazyObject(sidebar),
    }
    if getattr(request, "member_slots", False):
        # A page every member is served (pagecache): slots where the member's own parts go.
        # csrf_token replaces Django's own, so {% csrf_token %} prints the slot.
        chrome.update(
            member_slots=True,
            member_name=memberslots.slot("name"),
            member_badges=memberslots.slot("badges"),
            csrf_token=memberslots.slot("csrf"),
        )
    else:
        user = getattr(request, "user", None)
        chrome["member_name"] = SimpleLazyObject(lambda: getattr(user, "display_name", ""))
        chrome["member_badges"] = SimpleLazyObject(lambda: memberslots.header_badges(user))
    return chrome

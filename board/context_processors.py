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
        chrome.update(member_slots=True, member_name=memberslots.slot("name"), csrf_token=memberslots.slot("csrf"))
    else:
        chrome["member_name"] = SimpleLazyObject(lambda: getattr(getattr(request, "user", None), "display_name", ""))
    return chrome

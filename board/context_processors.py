from django.utils.functional import SimpleLazyObject

from .sidebar import board_menu, sidebar


def site_chrome(request):
    # Lazy, so that pages without the header and sidebar (admin, feeds) cost nothing.
    return {
        "board_menu": SimpleLazyObject(board_menu),
        "sidebar": SimpleLazyObject(sidebar),
    }

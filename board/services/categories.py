"""말머리 (categories) of a board, saved from admin."""

from django.db import transaction

from .. import invalidation


def save_category(*, category):
    """Add or rename a 말머리: list rows, articles and feeds show its name everywhere."""
    with transaction.atomic():
        category.save()
        invalidation.categories_changed()
    return category


def delete_category(*, category):
    """Its posts keep their place and lose the 말머리 (Post.category is SET_NULL)."""
    with transaction.atomic():
        category.delete()
        invalidation.categories_changed()

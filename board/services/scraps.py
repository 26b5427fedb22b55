"""스크랩: keeping a post with a memo, changing the memo, letting it go."""

from django.db import IntegrityError, transaction

from ..models import Scrap


def save_scrap(*, user, post, memo=""):
    """Keep `post` for `user`, or change the memo of the scrap they have. Returns the scrap,
    `.created` telling which. One scrap per member and post (the database's constraint
    settles a double click). No cached page shows scraps, so nothing is invalidated."""
    try:
        with transaction.atomic():
            scrap, created = Scrap.objects.update_or_create(user=user, post=post, defaults={"memo": memo})
    except IntegrityError:
        # Created by the same member's simultaneous request: set the memo on that one.
        Scrap.objects.filter(user=user, post=post).update(memo=memo)
        scrap, created = Scrap.objects.get(user=user, post=post), False
    scrap.created = created
    return scrap


def delete_scrap(*, user, scrap_id):
    """Remove one of the member's scraps; another member's id removes nothing. Returns
    whether one was removed."""
    with transaction.atomic():
        removed, _ = Scrap.objects.filter(user=user, pk=scrap_id).delete()
    return bool(removed)

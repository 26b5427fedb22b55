"""A steady writing load for the backup tests, run with a site's settings (DATABASE_URL):

    python -m tests.writer <posts per second> <views per second>

writes posts through the service and counts article views in the database (one
`UPDATE … RETURNING` each, as readers of a site without Redis do) until it is stopped
(SIGTERM). It prints `ready`, then one line per committed post: `post <id> <seconds the
write took>`, and at the end `views <how many>`. A write that fails prints `error
<message>` and the load goes on."""

import os
import signal
import sys
import time


def main(post_rate, view_rate):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from accounts.models import User
    from board import services, viewcounts
    from board.models import Board, Post

    board = Board.objects.order_by("pk").first()
    author = User.objects.order_by("pk").first()
    viewed = list(Post.objects.order_by("-pk").values_list("pk", flat=True)[:50])
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    print("ready", flush=True)
    posts = views = 0
    started = time.monotonic()
    while not stopping:
        now = time.monotonic() - started
        try:
            if posts < now * post_rate:
                posts += 1
                began = time.monotonic()
                post = services.create_post(board=board, author=author, title=f"부하 중에 쓴 글 {posts}", body="본문")
                print("post", post.pk, f"{time.monotonic() - began:.3f}", flush=True)
            elif views < now * view_rate:
                views += 1
                viewcounts._count_in_database(viewed[views % len(viewed)])
            else:
                time.sleep(0.001)
        except Exception as error:  # noqa: BLE001  (counted by the test, not a crash)
            print("error", str(error).replace("\n", " "), flush=True)
    print("views", views, flush=True)


if __name__ == "__main__":
    main(float(sys.argv[1]), float(sys.argv[2]))

"""Generated posts, comments and votes in bulk (`seed_demo --posts N`), for benchmarks:
rows written with executemany in batches, their text made in a second process, the search
index built once at the end."""

import multiprocessing
import os
import random
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

import django
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User

from . import demo_content, invalidation, markup, search, services
from .models import Comment, CommentSearch, Post, PostSearch, PostVote

BULK_BATCH = 2000
GENERATED_BOARD_SHARE = [("ainews", 0.8), ("free", 0.12), ("qna", 0.08)]


def generated_text(rng, sentences):
    """Korean-looking news prose from the word lists: nouns with particles, Latin terms."""
    nouns, latin, particles = demo_content.GEN_NOUNS, demo_content.GEN_LATIN, demo_content.GEN_PARTICLES
    out = []
    for _ in range(sentences):
        template = rng.choice(demo_content.GEN_SENTENCES)
        out.append(
            template.format(
                a=rng.choice(nouns) + rng.choice(particles),
                b=rng.choice(nouns) + rng.choice(particles),
                e=rng.choice(latin),
            )
        )
    return out


def generated_title(rng):
    template = rng.choice(demo_content.GEN_TITLES)
    return template.format(
        a=rng.choice(demo_content.GEN_NOUNS), b=rng.choice(demo_content.GEN_NOUNS), e=rng.choice(demo_content.GEN_LATIN)
    )[:200]


def generate_posts(count, *, boards, members, comments_per_post, votes_per_post, start, end, rng, out):
    """Bulk-insert generated posts, comments and votes, then set every counter from rows.

    Speed matters here (100,000 posts for the benchmarks), so the text and its search
    bigrams are made in a second process while this one writes the previous batch, rows go
    in with executemany and explicit ids (no model instances), and the HTML is made the
    way markup would make it for plain paragraphs (escaped text in <p>).
    """
    started = time.monotonic()
    board_ids = [boards[slug].pk for slug, _ in GENERATED_BOARD_SHARE]
    weights = [share for _, share in GENERATED_BOARD_SHARE]
    member_ids = [m.pk for m in members]
    span = (end - start).total_seconds()
    moments = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))
    first_id = (Post.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    jobs = [
        (rng.randrange(2**32), first_id + i, moments[i : i + BULK_BATCH], board_ids, weights, member_ids)
        for i in range(0, count, BULK_BATCH)
    ]
    columns = [
        "id", "board_id", "author_id", "title", "body", "body_html", "excerpt", "created_at", "view_count",
        "source_url", "updated_at", "upvote_count", "downvote_count", "comment_count", "is_notice", "is_hidden",
        "is_deleted", "thumbnail_url", "hidden_by_ban", "source_key",
    ]  # fmt: skip
    post_sql = insert_sql(Post, columns)
    search_sql = insert_sql(PostSearch, ["post_id", "board_id", "title_grams", "body_grams"])
    # One transaction, so an interrupted load leaves nothing behind (the paused triggers
    # included).
    with transaction.atomic(), search_index_built_after():
        done = 0
        for post_rows, search_rows in in_second_process(make_post_rows, jobs):
            now = to_db(timezone.now())
            with connection.cursor() as cursor:
                cursor.executemany(
                    post_sql,
                    [
                        (*row[:7], to_db(row[7]), row[8], "", now, 0, 0, 0, False, False, False, "", False, "")
                        for row in post_rows
                    ],
                )
                cursor.executemany(search_sql, search_rows)
            done += len(post_rows)
            progress(out, "글", done, count, started)
        reset_sequences()
        new_posts = Post.objects.filter(id__gte=first_id)
        generate_comments(new_posts, members, comments_per_post, rng, out)
        generate_votes(new_posts, members, votes_per_post, rng, out)
        phase = time.monotonic()
        services.recount_counters(posts=new_posts)
        out.write(f"\n카운터 계산 {time.monotonic() - phase:.1f}초", ending="")
        phase = time.monotonic()
    search.optimise()
    checkpoint()
    invalidation.everything_changed()
    out.write(f"\n검색 색인 {time.monotonic() - phase:.1f}초", ending="")
    out.write(f"\n생성 완료: 글 {count:,}개 ({time.monotonic() - started:.1f}초)")


def make_post_rows(job):
    """Runs in the helper process: one batch of post rows and their search rows."""
    seed, first_id, moments, board_ids, weights, member_ids = job
    rng = random.Random(seed)
    posts, index = [], []
    for offset, created_at in enumerate(moments):
        paragraphs = [" ".join(generated_text(rng, rng.randint(2, 5))) for _ in range(rng.randint(2, 5))]
        body = "\n\n".join(paragraphs)
        title = generated_title(rng)
        board_id = rng.choices(board_ids, weights)[0]
        post_id = first_id + offset
        posts.append(
            (
                post_id,
                board_id,
                rng.choice(member_ids),
                title,
                body,
                "\n".join(f"<p>{markup.escape_text(p)}</p>" for p in paragraphs),
                markup.excerpt_from_text(body, settings.BOARD_EXCERPT_LENGTH),
                created_at,
                int(rng.paretovariate(1.5) * 30),
            )
        )
        index.append((post_id, board_id, search.bigrams(title), search.bigrams(body)))
    return posts, index


def make_comment_rows(job):
    """Runs in the helper process: one batch of comment rows and their search rows."""
    seed, first_id, planned, member_ids = job
    rng = random.Random(seed)
    comments, index = [], []
    for offset, (created_at, post_id) in enumerate(planned):
        text = " ".join(generated_text(rng, rng.randint(1, 2)))
        comment_id = first_id + offset
        comments.append(
            (comment_id, post_id, rng.choice(member_ids), text, f"<p>{markup.escape_text(text)}</p>", created_at)
        )
        index.append((comment_id, post_id, search.bigrams(text)))
    return comments, index


@contextmanager
def search_index_built_after():
    """SQLite only: pause the triggers that index each inserted search row, then build the
    FTS5 indexes from their content tables in one pass, a quarter of the load's time
    saved. The triggers' own SQL is read back from the schema, so it stays the
    migration's. Call inside a transaction: SQLite's DDL is transactional."""
    if connection.vendor != "sqlite":
        yield
        return
    names = ("board_postsearch_ai", "board_commentsearch_ai")
    with connection.cursor() as cursor:
        marks = ", ".join("%s" for _ in names)
        cursor.execute(f"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})", names)  # noqa: S608
        triggers = [row[0] for row in cursor.fetchall()]
        for name in names:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    yield
    with connection.cursor() as cursor:
        for sql in triggers:
            cursor.execute(sql)
        for table in ("board_post_fts", "board_comment_fts"):
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


def checkpoint():
    # Not inside a transaction (a test's): a checkpoint cannot run while one is open.
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def in_second_process(function, jobs):
    """Yield function(job) for each job, computed one batch ahead in a second process, so
    text generation uses the other core while this process writes to the database.

    A spawned (not forked) process: a fork would share this process's open database
    connection, which must stay this process's alone.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    with multiprocessing.get_context("spawn").Pool(1, initializer=django.setup) as pool:
        yield from pool.imap(function, jobs)


def insert_sql(model, columns):
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({marks})"


def to_db(value):
    return connection.ops.adapt_datetimefield_value(value)


def reset_sequences():
    """Explicit ids leave PostgreSQL's sequences behind; SQLite needs nothing."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Post, Comment])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def generate_comments(posts, members, per_post, rng, out):
    rows = list(posts.values_list("id", "created_at"))
    now = timezone.now()
    started = time.monotonic()
    # Dated after their post and inserted in time order, so ids follow time as in real use.
    planned = sorted(
        (min(created_at + timedelta(minutes=rng.randint(1, 3000)), now), post_id)
        for post_id, created_at in (rng.choice(rows) for _ in range(int(len(rows) * per_post)))
    )
    first_id = (Comment.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    member_ids = [m.pk for m in members]
    size = BULK_BATCH * 5
    jobs = [
        (rng.randrange(2**32), first_id + i, planned[i : i + size], member_ids) for i in range(0, len(planned), size)
    ]
    comment_sql = insert_sql(
        Comment,
        ["id", "post_id", "author_id", "body", "body_html", "created_at", "parent_id", "edited_at", "is_deleted",
         "is_hidden", "hidden_by_ban"],
    )  # fmt: skip
    search_sql = insert_sql(CommentSearch, ["comment_id", "post_id", "grams"])
    done = 0
    for comment_rows, search_rows in in_second_process(make_comment_rows, jobs):
        with connection.cursor() as cursor:
            cursor.executemany(
                comment_sql, [(*row[:5], to_db(row[5]), None, None, False, False, False) for row in comment_rows]
            )
            cursor.executemany(search_sql, search_rows)
        done += len(comment_rows)
        progress(out, "댓글", done, len(planned), started)
    reset_sequences()


def generate_votes(posts, members, per_post, rng, out):
    """Votes from the demo members, one per member and post as the constraint demands.

    One set-based INSERT ... SELECT: each (post, member) pair votes when a hash of the pair
    falls under the wanted share, so 500,000 votes take seconds, not minutes.
    """
    started = time.monotonic()
    share = max(0, min(int(round(per_post * 100 / len(members))), 100))
    first_id = posts.order_by("id").values_list("id", flat=True).first()
    if first_id is None or share == 0:
        return
    vote_table, post_table = PostVote._meta.db_table, Post._meta.db_table
    member_ids = ",".join(str(int(m.pk)) for m in members)
    salt = rng.randrange(1, 997)
    sql = f"""
        INSERT INTO {vote_table} (post_id, user_id, value, created_at)
        SELECT p.id, u.id,
               CASE WHEN ((p.id * 7 + u.id * 13 + {salt}) %% 100) < 85 THEN 1 ELSE -1 END,
               p.created_at
        FROM {post_table} p CROSS JOIN {User._meta.db_table} u
        WHERE p.id >= %s AND u.id IN ({member_ids})
          AND ((p.id * 31 + u.id * 17 + {salt}) %% 100) < %s
    """  # only integers and table names from the models are interpolated
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [first_id, share])
        total = cursor.rowcount
    progress(out, "추천", total, total, started)


def progress(out, label, done, total, started):
    if not getattr(out, "isatty", lambda: False)() and done != total and done % (BULK_BATCH * 10):
        return
    width = 30
    filled = int(width * done / max(total, 1))
    elapsed = time.monotonic() - started
    out.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} {elapsed:.0f}초", ending="")
    (getattr(out, "flush", None) or sys.stdout.flush)()

"""SQL pieces both backends share."""

from functools import cache

from django.db import connection

from ..models import Board, Post

POST_COLUMNS = {"title": ["title_grams"], "body": ["body_grams"], "title_body": ["title_grams", "body_grams"]}


def narrow(where, params, results, *, board_column, key, above_id):
    """One board only, one 말머리 only, and/or only the posts listed above a given one
    (both backends)."""
    if results.board is not None:
        where.append(f"{board_column} = %s")
        params.append(results.board.pk)
    else:
        # 전체 검색 is for everyone: boards with a reading level are searched on their own.
        boards = Board._meta.db_table
        where.append(f"{board_column} NOT IN (SELECT id FROM {boards} WHERE read_level > 1)")
    if results.category is not None:
        # The search index holds no 말머리: the post's own row says (its primary key).
        where.append(f"{key} IN (SELECT id FROM board_post WHERE category_id = %s)")
        params.append(results.category.pk)
    if above_id is not None:
        where.append(f"{key} > %s")
        params.append(above_id)


@cache
def _visible_posts_condition(vendor):
    query = Post.objects.visible().query
    compiler = query.get_compiler(connection=connection)
    sql, params = query.where.as_sql(compiler, connection)
    return sql, tuple(params)


def visible_posts_condition():
    """(sql, params): Post.objects.visible() as a condition on the board_post table, compiled
    from the queryset so that raw SQL never restates the rule."""
    sql, params = _visible_posts_condition(connection.vendor)
    return sql, list(params)

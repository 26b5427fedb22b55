"""SQLite: an FTS5 table over the bigram columns (kept in sync by triggers, migration 0004)
answers each run of bigrams as a phrase query, which is exact on its own."""

from .conditions import POST_COLUMNS, narrow, visible_posts_condition


def match_expression(columns, runs):
    # Only letters, digits and spaces reach the MATCH string, so nothing in it is FTS syntax.
    return " AND ".join(f'{{{" ".join(columns)}}} : "{run}"' for run in runs)


def select(results, *, ordered, above_id):
    runs = results.query.runs
    if results.field == "comment":
        where, params = ["board_comment_fts MATCH %s"], [match_expression(["grams"], runs)]
        key = "s.post_id"
        source = (
            "board_comment_fts JOIN board_commentsearch s ON s.comment_id = board_comment_fts.rowid "
            "JOIN board_post ON board_post.id = s.post_id"
        )
        visible, visible_params = visible_posts_condition()
        where.append(visible)
        params += visible_params
        board_column = "board_post.board_id"
    else:
        where, params = ["board_post_fts MATCH %s"], [match_expression(POST_COLUMNS[results.field], runs)]
        key, source, board_column = "board_post_fts.rowid", "board_post_fts", "board_post_fts.board_id"
    narrow(where, params, results, board_column=board_column, key=key, above_id=above_id)
    distinct = "DISTINCT " if results.field == "comment" else ""  # a post has many comments
    sql = f"SELECT {distinct}{key} FROM {source} WHERE {' AND '.join(where)}"
    if ordered:
        if results.order == "relevance" and results.field == "title_body":
            title_match = match_expression(POST_COLUMNS["title"], runs)
            sql += f" ORDER BY {key} IN (SELECT rowid FROM board_post_fts WHERE board_post_fts MATCH %s) DESC,"
            params.append(title_match)
            sql += f" {key} DESC"
        else:
            sql += f" ORDER BY {key} DESC"
    return sql, params

"""PostgreSQL: GIN indexes on stored to_tsvector('simple', bigrams) columns (migration 0004)
find the rows holding all the bigrams; `LIKE '%run%'` on the bigram text then keeps the
exact ones."""

from .conditions import POST_COLUMNS, narrow, visible_posts_condition

POSTGRES_VECTOR = {"title": "title_vector", "body": "body_vector", "title_body": "document_vector", "comment": "vector"}


def conditions(field, columns, runs, alias=""):
    """(index condition, exact condition) for a field and the query's runs.

    One GIN lookup finds the rows holding every bigram of every run, which is exact for
    runs of one bigram; longer runs also need LIKE on the bigram text to check the order.
    That text is long and TOASTed, so LIKE is applied in an outer step, row by row in page
    order, and stops when the page is full.
    """
    index_condition = f"{alias}{POSTGRES_VECTOR[field]} @@ plainto_tsquery('simple'::regconfig, %s)"
    exact_parts, exact_params = [], []
    for run in runs:
        if " " not in run:
            continue
        exact_parts.append("(" + " OR ".join(f"x.{column} LIKE %s" for column in columns) + ")")
        exact_params += [f"%{run}%"] * len(columns)
    return index_condition, [" ".join(runs)], " AND ".join(exact_parts), exact_params


def select(results, *, ordered, above_id):
    runs = results.query.runs
    if results.field == "comment":
        columns, alias, table, table_key = ["grams"], "s.", "board_commentsearch", "comment_id"
        key, row_key, board_column = "s.post_id", "s.comment_id", "board_post.board_id"
        source = "board_commentsearch s JOIN board_post ON board_post.id = s.post_id"
    else:
        columns, alias, table, table_key = POST_COLUMNS[results.field], "", "board_postsearch", "post_id"
        key, row_key, source, board_column = "post_id", "post_id", "board_postsearch", "board_id"
    index_condition, params, exact_condition, exact_params = conditions(results.field, columns, runs, alias)
    where = [index_condition]
    if results.field == "comment":
        visible, visible_params = visible_posts_condition()
        where.append(visible)
        params += visible_params
    narrow(where, params, results, board_column=board_column, key=key, above_id=above_id)
    relevance = ordered and results.order == "relevance" and results.field == "title_body"
    candidates = f"SELECT {key} AS id, {row_key} AS row_id FROM {source} WHERE {' AND '.join(where)}"
    if ordered and not relevance:
        candidates += f" ORDER BY {key} DESC, {row_key} DESC"
    sql = f"SELECT id, row_id FROM ({candidates} OFFSET 0) AS candidates"
    if exact_condition:
        # A scalar subquery per candidate: the planner cannot turn it into a join that
        # would read every candidate's text before the first page is out.
        exact = f"SELECT {exact_condition} FROM {table} x WHERE x.{table_key} = candidates.row_id"
        sql += f" WHERE ({exact})"
        params += exact_params
    if results.field == "comment":
        # A post with several matching comments once; DISTINCT ON keeps the order.
        sql = f"SELECT DISTINCT ON (id) id FROM ({sql}) AS matches" + (" ORDER BY id DESC" if ordered else "")
    else:
        sql = f"SELECT id FROM ({sql}) AS matches"
    if relevance:
        title_match = " AND ".join("x.title_grams LIKE %s" for _ in runs)
        sql += f" ORDER BY (SELECT {title_match} FROM board_postsearch x WHERE x.post_id = matches.id) DESC, id DESC"
        params += [f"%{run}%" for run in runs]
    return sql, params

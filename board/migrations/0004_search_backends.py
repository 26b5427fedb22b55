"""The database side of search.py: FTS5 tables kept in sync by triggers on SQLite, GIN
indexes over to_tsvector('simple', …) on PostgreSQL."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE board_post_fts USING fts5(
        board_id UNINDEXED, title_grams, body_grams,
        content='board_postsearch', content_rowid='post_id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER board_postsearch_ai AFTER INSERT ON board_postsearch BEGIN
        INSERT INTO board_post_fts(rowid, board_id, title_grams, body_grams)
        VALUES (new.post_id, new.board_id, new.title_grams, new.body_grams);
    END""",
    """CREATE TRIGGER board_postsearch_ad AFTER DELETE ON board_postsearch BEGIN
        INSERT INTO board_post_fts(board_post_fts, rowid, board_id, title_grams, body_grams)
        VALUES ('delete', old.post_id, old.board_id, old.title_grams, old.body_grams);
    END""",
    """CREATE TRIGGER board_postsearch_au AFTER UPDATE ON board_postsearch BEGIN
        INSERT INTO board_post_fts(board_post_fts, rowid, board_id, title_grams, body_grams)
        VALUES ('delete', old.post_id, old.board_id, old.title_grams, old.body_grams);
        INSERT INTO board_post_fts(rowid, board_id, title_grams, body_grams)
        VALUES (new.post_id, new.board_id, new.title_grams, new.body_grams);
    END""",
    """CREATE VIRTUAL TABLE board_comment_fts USING fts5(
        grams, content='board_commentsearch', content_rowid='comment_id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER board_commentsearch_ai AFTER INSERT ON board_commentsearch BEGIN
        INSERT INTO board_comment_fts(rowid, grams) VALUES (new.comment_id, new.grams);
    END""",
    """CREATE TRIGGER board_commentsearch_ad AFTER DELETE ON board_commentsearch BEGIN
        INSERT INTO board_comment_fts(board_comment_fts, rowid, grams) VALUES ('delete', old.comment_id, old.grams);
    END""",
    """CREATE TRIGGER board_commentsearch_au AFTER UPDATE ON board_commentsearch BEGIN
        INSERT INTO board_comment_fts(board_comment_fts, rowid, grams) VALUES ('delete', old.comment_id, old.grams);
        INSERT INTO board_comment_fts(rowid, grams) VALUES (new.comment_id, new.grams);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS board_postsearch_ai",
    "DROP TRIGGER IF EXISTS board_postsearch_ad",
    "DROP TRIGGER IF EXISTS board_postsearch_au",
    "DROP TABLE IF EXISTS board_post_fts",
    "DROP TRIGGER IF EXISTS board_commentsearch_ai",
    "DROP TRIGGER IF EXISTS board_commentsearch_ad",
    "DROP TRIGGER IF EXISTS board_commentsearch_au",
    "DROP TABLE IF EXISTS board_comment_fts",
]
# Stored vectors: the planner may walk the primary key backwards and test each row, and a
# stored column makes that test cheap instead of re-parsing the text.
POSTGRES = [
    # Keep the long bigram text and vectors out of line, so the rows that bitmap scans
    # visit stay narrow (about 10 times fewer pages per search).
    "ALTER TABLE board_postsearch SET (toast_tuple_target = 128)",
    "ALTER TABLE board_commentsearch SET (toast_tuple_target = 128)",
    "ALTER TABLE board_postsearch ADD COLUMN title_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title_grams)) STORED",
    "ALTER TABLE board_postsearch ADD COLUMN body_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body_grams)) STORED",
    # Title and body together, so a 제목+내용 search is one GIN lookup for all its words.
    "ALTER TABLE board_postsearch ADD COLUMN document_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title_grams || ' w ' || body_grams)) STORED",
    "ALTER TABLE board_commentsearch ADD COLUMN vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, grams)) STORED",
    "CREATE INDEX board_postsearch_title_gin ON board_postsearch USING gin (title_vector)",
    "CREATE INDEX board_postsearch_body_gin ON board_postsearch USING gin (body_vector)",
    "CREATE INDEX board_postsearch_document_gin ON board_postsearch USING gin (document_vector)",
    "CREATE INDEX board_commentsearch_gin ON board_commentsearch USING gin (vector)",
    "CREATE INDEX board_postsearch_board_idx ON board_postsearch (board_id, post_id)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS board_postsearch_board_idx",
    "ALTER TABLE board_postsearch DROP COLUMN IF EXISTS title_vector",
    "ALTER TABLE board_postsearch DROP COLUMN IF EXISTS body_vector",
    "ALTER TABLE board_postsearch DROP COLUMN IF EXISTS document_vector",
    "ALTER TABLE board_commentsearch DROP COLUMN IF EXISTS vector",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("board", "0003_search_and_sorting")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]

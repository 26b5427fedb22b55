"""Body conversion beside the writes: batch N is converted in a second process while this
one writes batch N-1 (the machine has two cores; converting and sanitising HTML is most
of an import's work). With no worker, everything runs here, one batch after another.

The worker functions take and return plain tuples (they cross a process boundary).
"""

import multiprocessing
import os

import django
from django.conf import settings

from board import markup, search

from .bodies import html_to_markdown, plain_to_markdown

HTML, HTML_WITH_BREAKS, TEXT = "html", "html1", "text"


def body_format(options):
    """Gnuboard's wr_option (a SET, as text or a set) → HTML, HTML with <br>, or text."""
    options = options if isinstance(options, set) else set(str(options or "").split(","))
    if "html1" in options:
        return HTML_WITH_BREAKS
    return HTML if "html2" in options else TEXT


def convert_post(job):
    """(format, content, image_urls, pictures above, title) → (markdown, html, excerpt,
    changes, title grams, body grams). Pictures above are the post's image attachments,
    shown above the text as Gnuboard does."""
    kind, content, image_urls, pictures, title = job
    markdown, changes = _convert(kind, content, image_urls, markup.POST_TAGS)
    above = "\n\n".join(f"![{alt}]({url})" for alt, url in pictures)
    markdown = f"{above}\n\n{markdown}".strip() if above else markdown
    html = markup.render_post(markdown)
    excerpt = markup.excerpt_from_html(html, settings.BOARD_EXCERPT_LENGTH)
    return markdown, html, excerpt, changes, search.bigrams(title), search.bigrams(search.plain_text(html))


def convert_comment(job):
    kind, content = job
    markdown, changes = _convert(kind, content, {}, markup.COMMENT_TAGS)
    html = markup.render_comment(markdown)
    return markdown, html, changes, search.bigrams(search.plain_text(html))


def _convert(kind, content, image_urls, tags):
    if kind == TEXT:
        return plain_to_markdown(content), set()
    body = html_to_markdown(content, image_urls=image_urls, line_breaks=kind == HTML_WITH_BREAKS, allowed_tags=tags)
    return body.markdown, body.changes


class Converter:
    def __init__(self, workers=0):
        self.pool = None
        if workers:
            # Spawned, not forked: a fork would share this process's database connections.
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
            self.pool = multiprocessing.get_context("spawn").Pool(workers, initializer=django.setup)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.terminate() if exc[0] else self.pool.close()
            self.pool.join()

    def submit(self, function, jobs):
        """A handle whose get() returns [function(job) for job in jobs]."""
        if self.pool is None:
            return _Done([function(job) for job in jobs])
        return self.pool.map_async(function, jobs, chunksize=64)

    def pipelined(self, batches, prepare, function, finish):
        """prepare(batch) → (state, jobs); jobs convert while the previous batch is finished
        (written) by finish(state, results)."""
        pending = None
        for batch in batches:
            state, jobs = prepare(batch)
            handle = self.submit(function, jobs)
            if pending is not None:
                finish(pending[0], pending[1].get())
            pending = (state, handle)
        if pending is not None:
            finish(pending[0], pending[1].get())


class _Done:
    def __init__(self, value):
        self.value = value

    def get(self):
        return self.value

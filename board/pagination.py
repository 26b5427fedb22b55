"""Page numbers for lists: a forgiving parser and the Korean-style pager window."""

from dataclasses import dataclass

PAGER_WINDOW = 10
MAX_PAGE_DIGITS = 9


def parse_page_number(raw):
    """Anything that is not a positive whole number means the first page.

    A bad ?page= is a reader's typo or a crawler's guess, so it gets a sensible page
    instead of an error; numbers past the end are clamped by Pager.
    """
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > MAX_PAGE_DIGITS:
        return 1
    return max(int(raw), 1)


@dataclass(frozen=True)
class Pager:
    number: int
    num_pages: int
    per_page: int
    total: int

    @classmethod
    def for_total(cls, requested, total, per_page):
        num_pages = max((total + per_page - 1) // per_page, 1)
        return cls(number=min(requested, num_pages), num_pages=num_pages, per_page=per_page, total=total)

    @classmethod
    def containing(cls, index, total, per_page):
        """The page that shows the row at zero-based position `index`."""
        return cls.for_total(index // per_page + 1, total, per_page)

    @property
    def offset(self):
        return (self.number - 1) * self.per_page

    @property
    def window_start(self):
        return (self.number - 1) // PAGER_WINDOW * PAGER_WINDOW + 1

    @property
    def window_end(self):
        return min(self.window_start + PAGER_WINDOW - 1, self.num_pages)

    @property
    def page_range(self):
        return range(self.window_start, self.window_end + 1)

    @property
    def previous_window_page(self):
        return self.window_start - 1 if self.window_start > 1 else None

    @property
    def next_window_page(self):
        return self.window_end + 1 if self.window_end < self.num_pages else None

    @property
    def has_other_pages(self):
        return self.num_pages > 1

from django.db import models

from .comments import Comment
from .posts import Board, Post


class PostSearch(models.Model):
    """The search index row of a visible post: its title and text as character bigrams
    (see search.py). SQLite indexes these columns with FTS5, PostgreSQL with GIN."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, primary_key=True, related_name="search_entry")
    # Copied from the post so one board's search never leaves the index (moves reindex).
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+", db_index=False)
    title_grams = models.TextField()
    body_grams = models.TextField()

    class Meta:
        verbose_name = "검색 색인"
        verbose_name_plural = "검색 색인"

    def __str__(self):
        return str(self.post_id)


class CommentSearch(models.Model):
    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, primary_key=True, related_name="search_entry")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    grams = models.TextField()

    class Meta:
        verbose_name = "댓글 검색 색인"
        verbose_name_plural = "댓글 검색 색인"

    def __str__(self):
        return str(self.comment_id)


class SearchTermQuerySet(models.QuerySet):
    def popular_since(self, day, *, min_searchers=1):
        """인기검색어 since `day`, most searched first: only terms that at least
        `min_searchers` different readers searched on one day (a day's count is of
        readers, each counted once: services.record_search)."""
        return (
            self.filter(day__gte=day)
            .values("term")
            .annotate(total=models.Sum("count"), most=models.Max("count"))
            .filter(most__gte=min_searchers)
            .order_by("-total", "term")
        )


class SearchTerm(models.Model):
    """인기검색어: how often a normalised query was searched each day. No reader data."""

    day = models.DateField("날짜")
    term = models.CharField("검색어", max_length=100)
    count = models.PositiveIntegerField("횟수", default=0)

    objects = SearchTermQuerySet.as_manager()

    class Meta:
        verbose_name = "검색어 통계"
        verbose_name_plural = "검색어 통계"
        constraints = [models.UniqueConstraint(fields=["day", "term"], name="search_term_per_day")]

    def __str__(self):
        return f"{self.day} {self.term}"


class SearchStopWord(models.Model):
    """A word 운영진 keep out of 인기검색어 (a particle-laden form, a name, a joke that got
    out of hand): a term is left out when it is the word or has it as one of its words."""

    word = models.CharField("제외할 검색어", max_length=100, unique=True)
    note = models.CharField("메모", max_length=200, blank=True)
    created_at = models.DateTimeField("추가한 시각", auto_now_add=True)

    class Meta:
        verbose_name = "인기검색어 제외어"
        verbose_name_plural = "인기검색어 제외어"
        ordering = ["word"]

    def __str__(self):
        return self.word

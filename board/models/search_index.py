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
    def popular_since(self, day):
        return self.filter(day__gte=day).values("term").annotate(total=models.Sum("count")).order_by("-total", "term")


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

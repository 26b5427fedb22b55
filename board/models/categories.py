"""말머리: the categories a board offers its writers, defined in admin."""

from django.db import models
from django.urls import reverse

from .posts import Board


class CategoryQuerySet(models.QuerySet):
    def of_board(self, board):
        return self.filter(board=board).order_by("position", "id")


class Category(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="categories", verbose_name="게시판")
    name = models.CharField("말머리", max_length=20)
    position = models.PositiveSmallIntegerField("순서", default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = "말머리"
        verbose_name_plural = "말머리"
        ordering = ["board", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["board", "name"], name="category_name_unique_in_board")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The board's list showing only this 말머리."""
        return f"{reverse('board:post_list', args=[self.board.slug])}?category={self.pk}"

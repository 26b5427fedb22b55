from django.urls import path

from . import views

app_name = "board"

urlpatterns = [
    path("", views.home, name="home"),
    path("b/<slug:slug>/", views.post_list, name="post_list"),
    path("b/<slug:slug>/<int:post_id>/", views.post_detail, name="post_detail"),
]

from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("frameworks/<slug:slug>/", views.detail, name="detail"),
    path("compare/", views.compare, name="compare"),
    path("tags/", views.tag_list, name="tag-list"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag-detail"),
    path("about/ranking/", views.AboutRankingView.as_view(), name="about-ranking"),
    path("choose/", views.choose, name="choose"),
    path("best/<slug:slug>/", views.best, name="best"),
]

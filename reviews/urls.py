from django.urls import path

from reviews import views
from reviews.feeds import FrameworkReviewsFeed, LatestReviewsFeed

app_name = "reviews"

urlpatterns = [
    path("frameworks/<slug:slug>/vote/", views.vote, name="vote"),
    path("frameworks/<slug:slug>/vote/confirm/", views.vote_confirm, name="vote-confirm"),
    path("frameworks/<slug:slug>/review/", views.review_edit, name="review-edit"),
    path("frameworks/<slug:slug>/feed/", FrameworkReviewsFeed(), name="framework-feed"),
    path("reviews/<int:pk>/delete/", views.review_delete, name="review-delete"),
    path("reviews/<int:pk>/helpful/", views.helpful_toggle, name="helpful-toggle"),
    path("reviews/<int:pk>/report/", views.report, name="report"),
    path("moderation/", views.moderation_log, name="moderation-log"),
    path("feeds/reviews/", LatestReviewsFeed(), name="feed"),
    path("users/<str:username>/", views.profile, name="profile"),
]

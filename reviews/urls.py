from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("frameworks/<slug:slug>/vote/", views.vote, name="vote"),
]

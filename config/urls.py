from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/signup/", views.SignupView.as_view(), name="signup"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("catalog.urls")),
    path("", include("reviews.urls")),
]

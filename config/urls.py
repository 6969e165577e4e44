from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from catalog.sitemaps import SITEMAPS
from config import limits, views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("catalog.api_urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", views.csp_report, name="csp-report"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/signup/", views.SignupView.as_view(), name="signup"),
    path(
        "accounts/password_reset/",
        limits.limited("password-reset")(auth_views.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("catalog.urls")),
    path("", include("reviews.urls")),
]

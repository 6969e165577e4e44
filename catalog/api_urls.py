from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from catalog.api import FrameworkViewSet, TagViewSet

app_name = "api"

router = DefaultRouter()
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("tags", TagViewSet, basename="tag")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
]

from django.urls import path
from rest_framework.routers import DefaultRouter

from catalog.api import FrameworkViewSet, TagViewSet
from catalog.api_schema import SchemaView

app_name = "api"

router = DefaultRouter()
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("tags", TagViewSet, basename="tag")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    *router.urls,
]

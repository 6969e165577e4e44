from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalog import guide
from catalog.models import Framework, Tag

STATIC_PAGES = [
    "catalog:ranking",
    "catalog:tag-list",
    "catalog:about-ranking",
    "catalog:choose",
    "reviews:moderation-log",
]


class StaticSitemap(Sitemap):
    """The pages that are not about one framework or tag."""

    changefreq = "daily"

    def items(self):
        return STATIC_PAGES

    def location(self, name):
        return reverse(name)


class FrameworkSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Framework.objects.published().only("slug", "updated_at")

    def lastmod(self, framework):
        return framework.updated_at


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Tag.objects.filter(framework__is_published=True).distinct().order_by("name")

    def location(self, tag):
        return reverse("catalog:tag-detail", kwargs={"slug": tag.slug})


class BestSitemap(Sitemap):
    """The use-case rankings (`/best/<use-case>/`)."""

    changefreq = "daily"
    priority = 0.7

    def items(self):
        return [use_case.slug for use_case in guide.USE_CASES]

    def location(self, slug):
        return reverse("catalog:best", kwargs={"slug": slug})


SITEMAPS = {
    "pages": StaticSitemap,
    "best": BestSitemap,
    "frameworks": FrameworkSitemap,
    "tags": TagSitemap,
}

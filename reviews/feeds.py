"""Atom feeds of new reviews: the whole site's and one per framework."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Framework
from reviews.models import Review

FEED_SIZE = 30


class LatestReviewsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("PyWebRank — new reviews")
    subtitle = gettext_lazy("The newest reviews of Python web frameworks on PyWebRank.")
    link = reverse_lazy("catalog:ranking")

    def reviews(self):
        return Review.objects.published().select_related("framework", "user").sorted("newest")

    def items(self):
        return self.reviews()[:FEED_SIZE]

    def item_title(self, review):
        return _("%(framework)s: %(title)s (%(rating)d/5)") % {
            "framework": review.framework.name,
            "title": review.title,
            "rating": review.rating,
        }

    def item_description(self, review):
        return review.body_html  # sanitised when saved

    def item_link(self, review):
        return review.get_absolute_url()

    def item_author_name(self, review):
        return review.user.get_username()

    def item_pubdate(self, review):
        return review.created_at

    def item_updateddate(self, review):
        return review.updated_at


class FrameworkReviewsFeed(LatestReviewsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Framework.objects.published(), slug=slug)

    def title(self, framework):
        return _("PyWebRank — reviews of %(name)s") % {"name": framework.name}

    def subtitle(self, framework):
        return _("The newest reviews of %(name)s on PyWebRank.") % {"name": framework.name}

    def link(self, framework):
        return framework.get_absolute_url()

    def items(self, framework):
        return self.reviews().filter(framework=framework)[:FEED_SIZE]

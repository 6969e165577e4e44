"""The read-only API (Django REST framework): the ranking, one framework, the tags.

The ranking is the page's own FrameworkFilterSet (`q`, `tag`, `hide`, `sort`), so both always
list the same frameworks in the same order.
"""

from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, pagination, serializers, viewsets

from catalog.aspects import ASPECT_KEYS
from catalog.filters import FrameworkFilterSet
from catalog.models import Framework, tags_in_use


class Pagination(pagination.PageNumberPagination):
    """`page`, and `page_size` up to 100 (20 unless asked): the settings' default pagination
    with a bounded page size.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def _absolute(serializer, path: str) -> str:
    return serializer.context["request"].build_absolute_uri(path)


class TagSummarySerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    name_zh = serializers.CharField(read_only=True, help_text="The tag's name in Chinese.")
    slug = serializers.SlugField(read_only=True)
    url = serializers.SerializerMethodField(help_text="The tag's HTML page.")

    def get_url(self, tag) -> str:
        return _absolute(self, reverse("catalog:tag-detail", kwargs={"slug": tag.slug}))


class TagSerializer(TagSummarySerializer):
    framework_count = serializers.IntegerField(
        read_only=True, help_text="Published frameworks carrying the tag."
    )
    frameworks_url = serializers.SerializerMethodField(
        help_text="The ranking of the frameworks carrying the tag, in this API."
    )

    def get_frameworks_url(self, tag) -> str:
        return _absolute(self, f"{reverse('api:framework-list')}?tag={tag.slug}")


class RatingSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        source="review_count", read_only=True, help_text="Published reviews."
    )
    average = serializers.FloatField(
        source="average_rating",
        read_only=True,
        allow_null=True,
        help_text="Plain mean of the stars (1–5); null without reviews.",
    )
    bayesian = serializers.FloatField(
        source="bayes_rating",
        read_only=True,
        help_text="Mean of the stars pulled towards the site-wide mean (what `sort=rating` uses).",
    )


class AspectSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        read_only=True, help_text="Published reviews that rated this aspect."
    )
    average = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Mean of those ratings, 1–5, higher is better; null without ratings.",
    )
    shown = serializers.BooleanField(
        read_only=True,
        help_text="Whether `count` reaches ASPECT_MIN_REVIEWS, from which the pages show it.",
    )


# What each aspect means, for the schema (the review form asks the same in the visitor's language).
ASPECT_DOCS = {
    "documentation": "Documentation: 1 = hard to find answers, 5 = clear and complete.",
    "learning_curve": "Learning curve, higher is easier: 5 = productive on day one.",
    "performance": "Performance: 1 = slow under load, 5 = fast.",
    "ecosystem": "Ecosystem (libraries, answers, jobs): 5 = plenty of everything.",
    "stability": "Stability across upgrades: 5 = upgrades are painless.",
    "async_support": "Async support: 1 = none or awkward, 5 = first-class.",
}
AspectsSerializer = type(
    "AspectsSerializer",
    (serializers.Serializer,),
    {
        key: AspectSerializer(
            source=f"aspect_scores_by_key.{key}", read_only=True, help_text=ASPECT_DOCS[key]
        )
        for key in ASPECT_KEYS
    },
)


class FrameworkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The framework's HTML page.")
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:framework-detail", lookup_field="slug"
    )
    replaced_by = serializers.SerializerMethodField(
        help_text="Slug of the framework that replaced this one, if any."
    )
    score = serializers.FloatField(
        read_only=True, help_text="Lower bound of the Wilson interval (0–1) for the up-vote share."
    )
    rating = RatingSerializer(source="*", read_only=True)
    aspects = AspectsSerializer(
        source="*",
        read_only=True,
        help_text="Reviewers' optional ratings of six aspects: average and count of each.",
    )
    tags = TagSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = [
            "name",
            "slug",
            "url",
            "api_url",
            "website",
            "repository",
            "pypi_name",
            "summary_en",
            "status",
            "replaced_by",
            "seed_rank",
            "upvotes",
            "downvotes",
            "score",
            "rating",
            "aspects",
            "tags",
        ]
        read_only_fields = fields

    def get_url(self, framework) -> str:
        return _absolute(self, framework.get_absolute_url())

    def get_replaced_by(self, framework) -> str | None:
        replacement = framework.replaced_by
        return replacement.slug if replacement and replacement.is_published else None


class FrameworkDetailSerializer(FrameworkSerializer):
    position = serializers.SerializerMethodField(
        help_text="Place in the ranking under the default sort (1 = top)."
    )

    class Meta(FrameworkSerializer.Meta):
        fields = [
            *FrameworkSerializer.Meta.fields,
            "position",
            "article_name",
            "article_website",
            "description",
            "drawbacks",
            "description_en",
            "drawbacks_en",
        ]
        read_only_fields = fields

    def get_position(self, framework) -> int:
        return Framework.objects.published().ahead_of(framework).count() + 1


class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """The ranking, filtered and sorted like the home page, and one framework by its slug."""

    queryset = Framework.objects.published().select_related("replaced_by")
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # a slug, as on the HTML page; anything else is a 404
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = FrameworkFilterSet

    def get_queryset(self):
        return super().get_queryset().with_bayes_rating()

    def get_serializer_class(self):
        return FrameworkDetailSerializer if self.action == "retrieve" else FrameworkSerializer


class TagViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Tags on published frameworks, the most used first."""

    queryset = tags_in_use()
    serializer_class = TagSerializer
    pagination_class = Pagination

"""The read-only API (Django REST framework): the ranking, one framework, the tags.

The ranking is the page's own FrameworkFilterSet (`q`, `tag`, `hide`, `sort`), so both always
list the same frameworks in the same order.
"""

import re

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, pagination, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from catalog.aspects import ASPECT_KEYS
from catalog.compare import place_of
from catalog.filters import FrameworkFilterSet
from catalog.models import Framework, tags_in_use
from config.derived import kept
from config.pagecache import VERSION_KEY, LocalCopies, page_key

_WHOLE_NUMBER = re.compile(r"[0-9]+")


class Pagination(pagination.PageNumberPagination):
    """`page` (from 1) and `page_size` (1 to API_MAX_PAGE_SIZE, API_PAGE_SIZE unless asked).

    Anything else is a 400 that says so; a page past the end is a 404.
    """

    page_size_query_param = "page_size"
    last_page_strings = ()  # `page` is a number, as the schema says

    def _whole_number(self, request, name: str, default: int, maximum: int | None = None) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        try:
            number = int(raw) if _WHOLE_NUMBER.fullmatch(raw) else 0
        except ValueError:  # more digits than Python converts: no such page either way
            number = 0
        if number < 1 or (maximum is not None and number > maximum):
            if maximum is None:
                message = _("%(name)s must be a whole number from 1.") % {"name": name}
            else:
                message = _("%(name)s must be a whole number from 1 to %(maximum)d.") % {
                    "name": name,
                    "maximum": maximum,
                }
            raise ValidationError({name: [message]})
        return number

    @property
    def page_size(self) -> int:
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        return self._whole_number(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )

    def get_page_number(self, request, paginator):
        return self._whole_number(request, self.page_query_param, 1)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {},
            self.page_size_query_param: {"maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(minimum=1, **bounds[parameter["name"]])
        return parameters


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
        source="bayesian_rating",
        read_only=True,
        allow_null=True,
        help_text=(
            "Mean of the stars pulled towards the site-wide mean (what `sort=rating` uses); "
            "null without reviews, as on the pages."
        ),
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
    tags = TagSummarySerializer(source="tag_list", many=True, read_only=True)

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
        # The schema is in English only (the model's help text quotes the article's word).
        extra_kwargs = {
            "article_website": {"help_text": "The official site as the article links it."}
        }

    def get_position(self, framework) -> int:
        return place_of(framework)


# This process's copies of the API's answers (config/derived.py keeps them), in a budget of their
# own so that paging through the API never pushes out what the HTML pages keep.
KEPT_ANSWERS = LocalCopies(limit=8 * 1024 * 1024)


class KeptAnswers:
    """A read-only viewset whose successful answers are made once per page version.

    The data of a 200 answer (the ranking's page, one framework) is kept under the page version
    by config/derived.py's `kept()`, keyed by scheme, host, path, query and language (page_key:
    the data holds absolute links), in the shared cache and in this process: every vote,
    review, moderation or catalog edit moves the version, so it shows on the next request on
    every server, as on the pages. It holds nothing of the visitor. DRF's checks (authentication,
    throttling) and content negotiation run on every request before the handler; only the
    queries and the serializing are skipped. Errors (400, 404) are raised, so never kept.
    PAGE_CACHE_SECONDS = 0 turns it off.
    """

    def list(self, request, *args, **kwargs):
        return self._kept(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._kept(super().retrieve, request, *args, **kwargs)

    def _kept(self, handler, request, *args, **kwargs):
        key = page_key(request, part="api")
        answers = kept(
            {key: lambda: _plain(handler(request, *args, **kwargs).data)},
            version_key=VERSION_KEY,
            copies=KEPT_ANSWERS,
        )
        return Response(answers[key])


def _plain(data):
    """The data as plain dicts, lists, strings and numbers. DRF's links (`Hyperlink`) are strings
    that carry the model instance they link to: kept as they are, every copy would pickle and
    unpickle each framework whole (81 instances a page of the ranking)."""
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_plain(value) for value in data]
    if isinstance(data, str):
        return str(data)
    return data


class FrameworkViewSet(KeptAnswers, viewsets.ReadOnlyModelViewSet):
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

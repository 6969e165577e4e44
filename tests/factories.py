import factory
from django.contrib.auth import get_user_model

from catalog import ranking
from catalog.models import Framework, Tag, TaggedFramework
from reviews import services
from reviews.curators import ensure_curators_group
from reviews.markup import render_markdown
from reviews.models import HelpfulVote, Report, Review, Vote


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def standing(self, create, extracted, **kwargs):
        """Like sign-up: the account's standing, its votes held while VOTE_HOLD_DAYS says so.

        `UserFactory(standing="203.0.113.5")` records that sign-up address.
        """
        if create:
            services.standing_create(user=self, address=extracted or "")


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        skip_postgeneration_save = True  # `tags.set()` writes its own rows

    name = factory.Sequence(lambda n: f"Framework {n}")
    slug = factory.Sequence(lambda n: f"framework-{n}")
    website = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.org/")
    description = "一个 Python Web 框架。A Python web framework."
    drawbacks = "中文文档匮乏。"

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class VoteFactory(factory.django.DjangoModelFactory):
    """A raw vote row: counters are NOT updated (use reviews.services.vote_cast for that)."""

    class Meta:
        model = Vote

    user = factory.SubFactory(UserFactory)
    framework = factory.SubFactory(FrameworkFactory)
    value = Vote.UP


class ReviewFactory(factory.django.DjangoModelFactory):
    """A raw review row: counters are NOT updated (use reviews.services.review_save for that)."""

    class Meta:
        model = Review

    user = factory.SubFactory(UserFactory)
    framework = factory.SubFactory(FrameworkFactory)
    rating = 4
    title = factory.Sequence(lambda n: f"Review {n}")
    body = "Works **well** for us."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))


class CountedReviewFactory(ReviewFactory):
    """A review written through reviews.services.review_save, so the counters follow."""

    @classmethod
    def _create(cls, model_class, *, user, framework, body_html=None, **fields):
        return services.review_save(user=user, framework=framework, **fields)


class CuratorFactory(UserFactory):
    """A staff member in the Curators group (the group is created when missing)."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True

    @factory.post_generation
    def curators_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(ensure_curators_group())


class HelpfulVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpfulVote

    user = factory.SubFactory(UserFactory)
    review = factory.SubFactory(ReviewFactory)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    user = factory.SubFactory(UserFactory)
    review = factory.SubFactory(ReviewFactory)
    reason = Report.Reason.SPAM


def bulk_frameworks(count: int, *, start: int = 1000, tags=("bulk", "extra")) -> None:
    """`count` extra published frameworks with consistent counters and two tags each, in a
    handful of queries: for checking that a page's query count does not grow with the data."""
    frameworks = Framework.objects.bulk_create(
        Framework(
            name=f"Bulk {n}",
            slug=f"bulk-{n}",
            website=f"https://bulk-{n}.example.org/",
            description=f"第 {n} 个框架。Framework number {n}.",
            drawbacks="无。",
            upvotes=n % 7,
            downvotes=n % 3,
            score=ranking.wilson_lower_bound(n % 7, n % 3),
            review_count=n % 4,
            rating_sum=(n % 4) * 3,
        )
        for n in range(start, start + count)
    )
    if not frameworks[0].pk:  # backends that do not return ids from bulk_create
        frameworks = list(Framework.objects.filter(slug__startswith="bulk-"))
    tag_rows = [Tag.objects.get_or_create(slug=name, defaults={"name": name})[0] for name in tags]
    TaggedFramework.objects.bulk_create(
        TaggedFramework(tag=tag, content_object=framework)
        for framework in frameworks
        for tag in tag_rows
    )

"""The aspects a review may rate besides its overall stars, and what the pages make of them.

Each aspect is an optional 1–5 field on a review (named by its key) and two counters on its
framework (`<key>_sum`, `<key>_count`), kept by reviews.services like the star counters.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Aspect:
    key: str
    label: Promise
    help: Promise  # what 1 and 5 mean, for the review form


ASPECTS: tuple[Aspect, ...] = (
    Aspect(
        "documentation",
        _("Documentation"),
        _("1 = hard to find answers, 5 = clear and complete"),
    ),
    Aspect(
        "learning_curve",
        _("Learning curve"),
        _("Higher is easier: 1 = hard to get going, 5 = productive on day one"),
    ),
    Aspect("performance", _("Performance"), _("1 = slow under load, 5 = fast")),
    Aspect(
        "ecosystem",
        _("Ecosystem"),
        _("Libraries, answers, jobs: 1 = you are on your own, 5 = plenty of everything"),
    ),
    Aspect(
        "stability",
        _("Stability across upgrades"),
        _("1 = upgrades break things, 5 = upgrades are painless"),
    ),
    Aspect("async_support", _("Async support"), _("1 = none or awkward, 5 = first-class")),
)
ASPECT_KEYS: tuple[str, ...] = tuple(aspect.key for aspect in ASPECTS)
BY_KEY: dict[str, Aspect] = {aspect.key: aspect for aspect in ASPECTS}


def sum_field(key: str) -> str:
    return f"{key}_sum"


def count_field(key: str) -> str:
    return f"{key}_count"


COUNTER_FIELDS: tuple[str, ...] = tuple(
    field for key in ASPECT_KEYS for field in (sum_field(key), count_field(key))
)


def min_reviews() -> int:
    """Ratings an aspect needs before its average is shown (ASPECT_MIN_REVIEWS)."""
    return settings.ASPECT_MIN_REVIEWS


@dataclass(frozen=True)
class AspectScore:
    """One aspect of one framework: its average (None without ratings) and how many rated it."""

    aspect: Aspect
    count: int
    average: float | None
    minimum: int  # ratings needed before the average is shown (ASPECT_MIN_REVIEWS)
    is_best: bool = False  # best shown average among the frameworks compared

    @property
    def key(self) -> str:
        return self.aspect.key

    @property
    def shown(self) -> bool:
        """Enough ratings to show the average."""
        return self.count >= max(self.minimum, 1)

    @property
    def percent(self) -> str:
        """The average as a bar width from 0 (1 star) to 100 (5 stars), never localised."""
        return f"{100 * ((self.average or 1) - 1) / 4:.1f}"


def aspect_score(framework, key: str, minimum: int | None = None) -> AspectScore:
    """The aspect's average and count from the framework's counters."""
    minimum = min_reviews() if minimum is None else minimum
    total = getattr(framework, sum_field(key))
    count = getattr(framework, count_field(key))
    average = total / count if count else None
    return AspectScore(BY_KEY[key], count, average, minimum)


def aspect_scores(framework) -> list[AspectScore]:
    """Every aspect of the framework, in the fixed order."""
    minimum = min_reviews()
    return [aspect_score(framework, key, minimum) for key in ASPECT_KEYS]

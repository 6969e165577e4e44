"""What pages derive from anything but votes, kept under the content version (config/derived.py):
used again after a vote, made again after every other change, on every server."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from config import pagecache
from config.derived import kept
from reviews import services
from reviews.models import Vote
from tests.factories import CountedReviewFactory, CuratorFactory, FrameworkFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),  # on_commit bumps run for real
    pytest.mark.usefixtures("page_cache_on"),
]


class Maker:
    """Counts how often the value was made."""

    def __init__(self):
        self.made = 0

    def __call__(self):
        self.made += 1
        return ["made", self.made]


def made_again(maker: Maker, change) -> bool:
    kept({"value": maker})
    before = maker.made
    change()
    assert kept({"value": maker})["value"] == ["made", maker.made]
    return maker.made > before


@pytest.fixture
def flask():
    return FrameworkFactory(name="Flask", slug="flask", tags=["micro"])


def test_a_value_is_made_once_and_then_read_from_the_cache():
    maker = Maker()
    assert kept({"a": maker, "b": maker}) == {"a": ["made", 1], "b": ["made", 2]}

    assert kept({"a": maker, "b": maker}) == {"a": ["made", 1], "b": ["made", 2]}
    assert maker.made == 2


def test_a_vote_leaves_it_in_place_while_the_pages_go_stale(flask):
    version = pagecache.current_version()
    maker = Maker()

    assert not made_again(
        maker, lambda: services.vote_cast(user=UserFactory(), framework=flask, value=Vote.UP)
    )
    assert pagecache.current_version() != version


def test_kept_under_the_page_version_a_vote_makes_it_again(flask):
    maker = Maker()
    kept({"value": maker}, version_key=pagecache.VERSION_KEY)

    services.vote_cast(user=UserFactory(), framework=flask, value=Vote.UP)

    assert kept({"value": maker}, version_key=pagecache.VERSION_KEY)["value"] == ["made", 2]
    assert kept({"value": maker}, version_key=pagecache.VERSION_KEY)["value"] == ["made", 2]


def test_a_maker_that_raises_stores_nothing():
    def refused():
        raise LookupError("no such page")

    with pytest.raises(LookupError):
        kept({"value": refused})

    maker = Maker()
    assert kept({"value": maker})["value"] == ["made", 1]


@pytest.mark.parametrize(
    "change",
    ["review", "helpful", "hide", "delete account", "catalog", "tags", "rename", "recount"],
)
def test_every_other_change_makes_it_again(flask, change):
    review = CountedReviewFactory(user=UserFactory(), framework=flask, title="T", body="B.")

    def rename():
        review.user.username = "renamed"
        review.user.save()

    changes = {
        "review": lambda: CountedReviewFactory(
            user=UserFactory(), framework=flask, title="Another", body="B."
        ),
        "helpful": lambda: services.helpful_toggle(user=UserFactory(), review=review),
        "hide": lambda: services.review_hide(review=review, curator=CuratorFactory(), reason="x"),
        "delete account": lambda: services.account_delete(user=review.user),
        "catalog": lambda: FrameworkFactory(name="Bottle", slug="bottle"),
        "tags": lambda: flask.tags.add("wsgi"),
        "rename": rename,
        "recount": lambda: (
            type(flask).objects.filter(pk=flask.pk).update(review_count=9),
            call_command("recount", stdout=io.StringIO()),
        ),
    }

    assert made_again(Maker(), changes[change])


def test_another_server_sees_the_change_through_the_shared_version():
    maker = Maker()
    kept({"value": maker})

    cache.set(pagecache.CONTENT_VERSION_KEY, "set-by-another-server", None)

    kept({"value": maker})
    assert maker.made == 2


def test_it_is_off_with_the_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0
    maker = Maker()
    kept({"value": maker})
    kept({"value": maker})
    assert maker.made == 2


@pytest.fixture
def redis_servers(monkeypatch):
    """This process's cache and another app server's, on one Redis (TEST_REDIS_URL)."""
    import uuid

    from config import cache as backends
    from config import derived
    from tests.conftest import TEST_REDIS_URL

    prefix = f"test:derived:{uuid.uuid4().hex}"
    here, there = (backends.RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": prefix}) for _ in "ab")
    monkeypatch.setattr(derived, "cache", here)
    monkeypatch.setattr(pagecache, "cache", here)
    monkeypatch.setattr(derived, "KEPT_HERE", pagecache.LocalCopies(limit=1024 * 1024))
    yield here, there
    here.clear()


@pytest.mark.redis
def test_with_redis_a_value_read_again_asks_redis_nothing_and_is_a_fresh_copy(
    redis_servers, monkeypatch
):
    here, _there = redis_servers
    maker = Maker()
    assert kept({"value": maker})["value"] == ["made", 1]
    asked = []
    real = here.get_many
    monkeypatch.setattr(here, "get_many", lambda keys: asked.append(keys) or real(keys))

    first = kept({"value": maker})["value"]
    first.append("changed by its reader")

    assert kept({"value": maker})["value"] == ["made", 1]
    assert (maker.made, asked) == (1, [])


@pytest.mark.redis
def test_with_redis_another_server_s_change_makes_it_again_here(redis_servers):
    _here, there = redis_servers
    maker = Maker()
    kept({"value": maker})

    there.set(pagecache.CONTENT_VERSION_KEY, 12345, None)  # a review, on another server
    there.get("another-round-trip")  # its request goes on before the next one arrives here

    assert kept({"value": maker})["value"] == ["made", 2]
    assert kept({"value": maker})["value"] == ["made", 2]


@pytest.mark.redis
def test_with_redis_copies_of_their_own_keep_out_of_the_pages_budget(redis_servers):
    from config import derived

    apart = pagecache.LocalCopies(limit=1024 * 1024)
    maker = Maker()

    kept({"value": maker}, copies=apart)

    assert list(apart.entries) == ["derived:value"]
    assert not derived.KEPT_HERE.entries
    assert kept({"value": maker}, copies=apart)["value"] == ["made", 1]

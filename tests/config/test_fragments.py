"""Logged-in visitors get the ranking shared in the cache (config/fragments.py) with their own
votes and CSRF token put in: right after anyone's vote, never anyone else's, nothing personal
stored."""

import pickle
import re

import pytest
from django.test import Client, RequestFactory

from config import fragments
from reviews import services
from reviews.models import Vote
from tests.factories import FrameworkFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),  # on_commit bumps run for real
    pytest.mark.usefixtures("page_cache_on"),
]

PAGES = ["/", "/?sort=name", "/tags/micro/"]


@pytest.fixture
def flask():
    FrameworkFactory(name="Bottle", slug="bottle", tags=["micro"])
    return FrameworkFactory(name="Flask", slug="flask", tags=["micro"])


def visitor(user, **options) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **options)
    client.force_login(user)
    return client


def widget(html: str, slug: str) -> str:
    """One framework's vote widget (its row's star line comes next)."""
    start = html.index(f'<div class="vote-widget" id="vote-{slug}"')
    return html[start : html.index('<p class="rating-line', start)]


def pressed(html: str, slug: str) -> list[str]:
    """Which of the framework's buttons show the visitor's own vote."""
    return re.findall(r'class="vote-button vote-(up|down) is-active"', widget(html, slug))


def counts(html: str, slug: str) -> tuple[int, int]:
    found = re.findall(r'data-role="(?:up|down)votes">(\d+)<', widget(html, slug))
    return int(found[0]), int(found[1])


def shared_ranking(user):
    """What the cache holds for logged-in visitors of `/` (it is never rendered here)."""
    request = RequestFactory().get("/")
    request.user, request.LANGUAGE_CODE = user, "en"
    return fragments.shared(request, "ranking", make=lambda: pytest.fail("not in the cache"))


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


@pytest.mark.parametrize("path", PAGES)
def test_own_votes_are_right_after_another_visitors_vote_and_after_ones_own(flask, path):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    services.vote_cast(user=alice, framework=flask, value=Vote.UP)
    as_alice, as_bob = visitor(alice), visitor(bob)

    assert pressed(as_alice.get(path).text, "flask") == ["up"]
    assert "You voted up" in widget(as_alice.get(path).text, "flask")
    assert pressed(as_bob.get(path).text, "flask") == []  # the shared copy, not Alice's

    services.vote_cast(user=bob, framework=flask, value=Vote.DOWN)

    alices = as_alice.get(path).text
    assert pressed(alices, "flask") == ["up"]
    assert counts(alices, "flask") == (1, 1)
    assert pressed(as_bob.get(path).text, "flask") == ["down"]

    as_alice.post("/frameworks/flask/vote/", {"value": "clear", "next": path})

    alices = as_alice.get(path).text
    assert pressed(alices, "flask") == []
    assert "You voted" not in alices
    assert counts(alices, "flask") == (0, 1)
    assert pressed(as_bob.get(path).text, "flask") == ["down"]
    assert pressed(as_bob.get(path).text, "bottle") == []


def test_two_visitors_never_see_each_others_votes_or_token(flask):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    services.vote_cast(user=alice, framework=flask, value=Vote.UP)
    services.vote_cast(user=bob, framework=flask, value=Vote.DOWN)
    as_alice, as_bob = visitor(alice), visitor(bob)

    alices, bobs = as_alice.get("/").text, as_bob.get("/").text

    assert pressed(alices, "flask") == ["up"] and pressed(bobs, "flask") == ["down"]
    assert "You voted down" not in alices and "You voted up" not in bobs
    assert tokens(alices) and tokens(bobs) and not tokens(alices) & tokens(bobs)
    assert as_alice.cookies["csrftoken"].value != as_bob.cookies["csrftoken"].value
    stored = pickle.dumps(shared_ranking(alice))
    for secret in (*tokens(alices), *tokens(bobs), "You voted", "is-active", "alice", "bob"):
        assert secret.encode() not in stored


def test_the_token_put_in_the_shared_forms_is_the_visitors_own(flask):
    alice = UserFactory(username="alice")
    visitor(UserFactory(username="bob")).get("/")  # the shared copy, rendered for Bob's visit
    as_alice = visitor(alice, enforce_csrf_checks=True)

    page = as_alice.get("/").text
    token = re.search(
        r'action="/frameworks/flask/vote/".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S
    )[1]
    response = as_alice.post(
        "/frameworks/flask/vote/", {"value": "up", "next": "/", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 303
    assert Vote.objects.get(user=alice).value == Vote.UP


def test_a_held_vote_says_so_on_the_shared_ranking(flask, settings):
    settings.VOTE_HOLD_DAYS = 3
    newcomer = UserFactory(username="newcomer")
    services.vote_cast(user=newcomer, framework=flask, value=Vote.UP)
    visitor(UserFactory(username="old-hand")).get("/")

    html = visitor(newcomer).get("/").text

    assert pressed(html, "flask") == ["up"]
    assert 'data-role="vote-held"' in html
    assert counts(html, "flask") == (0, 0)


def test_anyones_vote_shows_on_the_next_request(flask):
    as_alice = visitor(UserFactory(username="alice"))
    assert counts(as_alice.get("/").text, "flask") == (0, 0)

    services.vote_cast(user=UserFactory(), framework=flask, value=Vote.UP)

    assert counts(as_alice.get("/").text, "flask") == (1, 0)


def logout_token(html: str) -> str:
    form = html[html.index('<div class="account-menu">') :]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]


def test_the_account_menu_is_each_visitors_own_with_their_own_token(flask):
    """The menu is rendered once per name, role and language in each process, the token put in
    on every request: a second visit's menu carries that visit's own token, and logging out
    with it works."""
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob", is_staff=True)
    fragments.ACCOUNT_MENUS.values.clear()
    as_alice = visitor(alice, enforce_csrf_checks=True)
    first = as_alice.get("/").text
    as_alice.cookies.pop("csrftoken")  # a new browser session of hers: a new secret
    second = as_alice.get("/").text
    bobs = visitor(bob).get("/").text
    carols = visitor(UserFactory(username="carol")).get("/").text

    assert '<a href="/users/carol/">carol</a>' in carols and "alice" not in carols
    assert '<a href="/users/alice/">alice</a>' in first and "/admin/" not in first
    assert '<a href="/users/bob/">bob</a>' in bobs and "Curate" in bobs
    assert "alice" not in bobs
    assert len({logout_token(first), logout_token(second), logout_token(bobs)}) == 3
    assert fragments._TOKEN_PLACE not in first + second + bobs
    in_chinese = visitor(alice).get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "退出" in in_chinese and "Log out" in second

    response = as_alice.post("/accounts/logout/", {"csrfmiddlewaretoken": logout_token(second)})
    assert response.status_code == 302
    assert "_auth_user_id" not in as_alice.session


def test_a_message_waiting_shows_on_the_shared_ranking_once(flask):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    as_alice = visitor(UserFactory(username="alice"))
    as_alice.get("/")
    storage = CookieStorage(RequestFactory().get("/"))
    as_alice.cookies["messages"] = storage._encode([Message(constants.INFO, "Welcome back")])

    assert "Welcome back" in as_alice.get("/").text
    again = as_alice.get("/").text
    assert "Welcome back" not in again
    assert '<div id="messages" class="messages" aria-live="polite">' in again


def test_each_process_keeps_its_fragments_as_immutable_bytes_the_collector_stops_walking(flask):
    """Hundreds of kept fragments, each with its slots' tuples and data, made every full
    collection of a worker tens of milliseconds longer. A kept fragment is bytes and tuples of
    plain values: once the collector has been through them, only the fragment itself is walked;
    and every request joins its own page from it without changing it."""
    import gc

    fragments.LOCAL_FRAGMENTS.entries.clear()
    as_alice = visitor(UserFactory(username="alice"))
    first = as_alice.get("/").text

    kept = [entry[2] for entry in fragments.LOCAL_FRAGMENTS.entries.values()]
    assert kept and all(isinstance(value, fragments.Fragment) for value in kept)
    before = [(fragment.pieces, fragment.slots) for fragment in kept]
    for _level in range(3):  # slots, a slot, its data: a tuple is let go once all it holds is
        gc.collect()
    inside = [part for fragment in kept for part in (fragment.pieces, fragment.slots)]
    assert not any(gc.is_tracked(part) for part in inside)
    assert all(isinstance(piece, bytes) for fragment in kept for piece in fragment.pieces)
    again = as_alice.get("/").text  # from the kept fragment
    widgets = re.compile(r'<div class="vote-widget" id="vote-([\w-]+)"')
    assert widgets.findall(again) == widgets.findall(first) == ["bottle", "flask"]
    assert tokens(again) and tokens(again).isdisjoint(tokens(first))  # each request's own
    assert [(fragment.pieces, fragment.slots) for fragment in kept] == before
    assert not any(token.encode() in piece for token in tokens(again) for piece in before[0][0])

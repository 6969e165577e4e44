"""Vote rings on generated data: honest voters with natural noise plus a planted ring of 30
accounts that up-vote one framework and down-vote its rivals. The ring is found, no honest voter
is in a cluster, and holding it out restores the honest ranking."""

import io
import random
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import Framework
from reviews import rings, services
from reviews.counters import counter_drift, recount_all
from reviews.models import ModerationAction, RingScan, Standing, Suspension, Vote
from tests.factories import CuratorFactory, FrameworkFactory, UserFactory

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
APPROVAL = [0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4, 0.35]
TARGET, RIVALS = 8, (0, 1, 2)  # the ring pushes a middling framework past the favourites
HONEST, RING = 300, 30


def generate(seed: int, *, now=NOW, ring=True, frameworks=None):
    """(votes, accounts, ring account ids): honest people join over a year and vote on a few
    frameworks each at their own times, mostly by the framework's merit, sometimes against it;
    the ring's accounts are made within two hours, from three addresses, and vote together."""
    rng = random.Random(seed)
    frameworks = frameworks or list(range(1, len(APPROVAL) + 1))
    votes, accounts = [], []
    for user in range(1, HONEST + 1):
        joined = now - timedelta(days=rng.uniform(30, 400))
        accounts.append(rings.Account(user, joined, f"honest-{user}"))
        active = min(180.0, (now - joined).days)
        for index in rng.sample(range(len(frameworks)), rng.randint(3, 9)):
            liked = rng.random() < APPROVAL[index]
            at = joined + timedelta(days=rng.uniform(0, active))
            votes.append(rings.CastVote(user, frameworks[index], 1 if liked else -1, at))
    ring_ids = list(range(HONEST + 1, HONEST + RING + 1)) if ring else []
    start = now - timedelta(days=20)
    for n, user in enumerate(ring_ids):
        accounts.append(
            rings.Account(user, start + timedelta(minutes=rng.uniform(0, 120)), f"ring-{n % 3}")
        )
        burst = now - timedelta(days=5, minutes=rng.uniform(0, 360))
        votes.append(rings.CastVote(user, frameworks[TARGET], 1, burst))
        for rival in RIVALS:
            at = burst + timedelta(minutes=rng.uniform(0, 30))
            votes.append(rings.CastVote(user, frameworks[rival], -1, at))
    return votes, accounts, set(ring_ids)


# The pure function ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_planted_ring_is_found_and_no_honest_voter_is_in_a_cluster(seed):
    votes, accounts, ring = generate(seed)

    clusters = rings.find_rings(votes, accounts)

    assert [set(cluster.accounts) for cluster in clusters] == [ring]
    assert clusters[0].chance < rings.MAX_CHANCE
    assert clusters[0].shared_address == RING
    assert clusters[0].votes[TARGET + 1] == (RING, 0)
    assert all(clusters[0].votes[rival + 1] == (0, RING) for rival in RIVALS)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_honest_voters_alone_form_no_cluster(seed):
    votes, accounts, _ring = generate(seed, ring=False)

    assert rings.find_rings(votes, accounts) == []


def test_a_ring_from_many_addresses_is_found_by_its_sign_up_times():
    votes, accounts, ring = generate(7)
    accounts = [rings.Account(a.user, a.joined, f"own-{a.user}") for a in accounts]

    assert [set(c.accounts) for c in rings.find_rings(votes, accounts)] == [ring]


def test_a_ring_made_over_months_is_found_by_its_shared_addresses():
    votes, accounts, ring = generate(8)
    rng = random.Random(8)
    accounts = [
        rings.Account(a.user, a.joined - timedelta(days=rng.uniform(0, 300)), a.address)
        if a.user in ring
        else a
        for a in accounts
    ]

    assert [set(c.accounts) for c in rings.find_rings(votes, accounts)] == [ring]


def test_a_few_friends_who_agree_are_not_a_ring():
    votes, accounts, ring = generate(9)
    friends = sorted(ring)[: rings.MIN_SIZE - 1]
    votes = [v for v in votes if v.user not in ring or v.user in friends]

    assert rings.find_rings(votes, accounts) == []


def test_agreeing_with_the_crowd_is_not_suspicious():
    # Five accounts made together, each up-voting the three favourites on the same day: that
    # is what most people think, so it proves nothing.
    votes, accounts, _ring = generate(10, ring=False)
    day = NOW - timedelta(days=2)
    for user in range(1000, 1005):
        accounts.append(rings.Account(user, NOW - timedelta(days=10), ""))
        votes += [rings.CastVote(user, f, 1, day) for f in (1, 2, 3)]

    assert rings.find_rings(votes, accounts) == []


def test_the_effect_says_which_frameworks_moved_and_by_how_much():
    theirs = {10: (3, 0), 20: (0, 3)}  # three accounts up-voted 10 and down-voted 20
    counters = {10: (9, 1), 20: (6, 3), 30: (5, 1)}  # the cluster's votes included

    moved = {m.framework: m for m in rings.effect(theirs, counters)}

    assert set(moved) == {10, 20}
    assert (moved[10].up, moved[10].down) == (3, 0)
    assert (moved[10].place_with, moved[10].place_without) == (1, 2)
    assert (moved[20].place_with, moved[20].place_without) == (3, 1)
    assert moved[20].score_without > moved[20].score_with


def exhaustive_rings(votes, accounts, *, shares=None):
    """The first method, kept as the reference: every pair of accounts made within
    JOINED_WITHIN of each other or from one address is examined in full."""
    accounts = {account.user: account for account in accounts}
    shares = {**rings._chance_shares(votes), **(shares or {})}
    by_user = defaultdict(dict)
    for vote in votes:
        by_user[vote.user][vote.framework] = vote
    close = set()
    ordered = sorted(accounts.values(), key=lambda account: account.joined)
    for i, account in enumerate(ordered):
        for other in ordered[i + 1 :]:
            if other.joined - account.joined > rings.JOINED_WITHIN:
                break
            close.add((min(account.user, other.user), max(account.user, other.user)))
    for one in accounts.values():
        for other in accounts.values():
            if one.address and one.address == other.address and one.user < other.user:
                close.add((one.user, other.user))
    links = {}
    for a, b in close:
        chance = rings._link_chance(
            by_user.get(a, {}),
            by_user.get(b, {}),
            shares,
            rings.WINDOW,
            rings.MIN_SHARED,
            rings.MIN_AGREEMENT,
        )
        if chance is not None and chance <= rings.MAX_CHANCE:
            links[(a, b)] = chance
    groups = {user: {user} for pair in links for user in pair}
    for a, b in links:
        if groups[a] is not groups[b]:
            merged = groups[a] | groups[b]
            for user in merged:
                groups[user] = merged
    found = {frozenset(group) for group in groups.values() if len(group) >= rings.MIN_SIZE}
    return {
        group: min(chance for pair, chance in links.items() if pair[0] in group) for group in found
    }


def crowd(seed: int):
    """A denser world than `generate`: 400 people who joined within ten days and vote within
    three, so that many pairs agree a few times by chance, and rings of 30, 8 and 4 accounts
    (the last too few to be a ring), one of them made over months from two addresses."""
    rng = random.Random(seed)
    votes, accounts = [], []
    start = NOW - timedelta(days=20)
    for user in range(1, 401):
        accounts.append(rings.Account(user, start + timedelta(days=rng.uniform(0, 10)), ""))
        for index in rng.sample(range(len(APPROVAL)), rng.randint(4, 8)):
            value = 1 if rng.random() < APPROVAL[index] else -1
            at = NOW - timedelta(days=rng.uniform(1, 4))
            votes.append(rings.CastVote(user, index + 1, value, at))
    first = 1000
    for size, target, rivals, spread in (
        (30, 9, (1, 2, 3), 0),
        (8, 11, (1, 4), 200),
        (4, 7, (2,), 0),
    ):
        for n in range(size):
            user = first + n
            joined = start + timedelta(hours=rng.uniform(0, 2), days=rng.uniform(0, spread))
            accounts.append(rings.Account(user, joined, f"ring-{first}-{n % 2}"))
            burst = NOW - timedelta(days=2, minutes=rng.uniform(0, 300))
            votes.append(rings.CastVote(user, target, 1, burst))
            for rival in rivals:
                votes.append(rings.CastVote(user, rival, -1, burst + timedelta(minutes=9)))
        first += 100
    return votes, accounts


@pytest.mark.parametrize(
    "world", [*(generate(seed) for seed in (1, 2, 3)), *(crowd(seed) for seed in (1, 2, 3))]
)
def test_the_pairs_found_from_the_votes_give_the_rings_the_exhaustive_search_gives(world):
    votes, accounts, *_ring = world

    scan = rings.scan(votes, accounts)
    reference = exhaustive_rings(votes, accounts)

    assert reference  # the worlds hold rings
    assert scan.skipped == []
    assert {frozenset(c.accounts): c.chance for c in scan.clusters} == reference


def test_accounts_made_together_that_vote_apart_are_never_compared():
    # 3,000 accounts made in one minute are 4.5 million pairs; none voted alike within a day.
    accounts = [
        rings.Account(user, NOW + timedelta(seconds=user / 100), "") for user in range(3000)
    ]
    votes = [
        rings.CastVote(user, framework, 1, NOW + timedelta(days=2 * user + framework))
        for user in range(3000)
        for framework in (1, 2, 3)
    ]

    scan = rings.scan(votes, accounts)

    assert (scan.clusters, scan.candidates, scan.votes) == ([], 0, 9000)


def test_a_framework_day_voted_by_more_than_max_voters_makes_no_pairs_and_is_reported():
    accounts = [rings.Account(user, NOW, "") for user in range(6)]
    votes = [
        rings.CastVote(user, framework, -1, NOW + timedelta(minutes=user))
        for user in range(6)
        for framework in (1, 2, 3)
    ]
    shares = {(framework, -1): 0.1 for framework in (1, 2, 3)}

    assert len(rings.scan(votes, accounts, shares=shares, max_voters=6).clusters) == 1
    scan = rings.scan(votes, accounts, shares=shares, max_voters=5)

    assert scan.clusters == []
    assert scan.skipped == [rings.Skipped(f, -1, NOW.date(), 6) for f in (1, 2, 3)]


# In the database, with the admin ---------------------------------------------------------------


def plant(seed: int, *, ring=True):
    """Write generated votes as rows (counted, as from accounts in good standing)."""
    now = timezone.now()
    frameworks = [FrameworkFactory(name=f"F{n:02d}", seed_rank=n + 1) for n in range(len(APPROVAL))]
    votes, accounts, ring_ids = generate(
        seed, now=now, ring=ring, frameworks=[f.pk for f in frameworks]
    )
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"u{a.user}", date_joined=a.joined) for a in accounts
    )
    ids = {account.user: user.pk for account, user in zip(accounts, users, strict=True)}
    Standing.objects.bulk_create(
        Standing(
            user_id=ids[a.user], votes_count=True, signup_address=services.address_hash(a.address)
        )
        for a in accounts
    )
    rows = Vote.objects.bulk_create(
        Vote(user_id=ids[v.user], framework_id=v.framework, value=v.value) for v in votes
    )
    for row, vote in zip(rows, votes, strict=True):
        row.updated_at = vote.at  # bulk_update leaves auto_now alone
    Vote.objects.bulk_update(rows, ["updated_at"], batch_size=500)
    recount_all()
    return {ids[user] for user in ring_ids}


def order():
    return list(Framework.objects.ranked().values_list("name", flat=True))


@pytest.mark.django_db
def test_holding_out_the_found_ring_restores_the_honest_ranking_and_undo_brings_it_back(client):
    plant(11, ring=False)
    honest = order()
    Framework.objects.all().delete()
    get_user_model().objects.all().delete()
    ring_ids = plant(11)
    bought = order()
    assert bought != honest
    curator = CuratorFactory()
    client.force_login(curator)
    call_command("find_rings", stdout=io.StringIO())  # the periodic job

    page = client.get("/admin/reviews/votering/", HTTP_ACCEPT_LANGUAGE="en")  # click 1
    found = page.context["rings"]
    assert [{pk for pk, _n, _j in ring.accounts} for ring in found] == [ring_ids]
    assert "30 accounts" in page.text
    response = client.post(  # click 2
        "/admin/reviews/votering/",
        {"accounts": found[0].account_ids, "reason": "Coordinated voting (a vote ring)"},
    )

    assert response.status_code == 302
    assert order() == honest
    assert counter_drift() == []
    log = ModerationAction.objects.get()
    assert (log.action, log.account_count) == ("hold-votes", 30)
    services.suspension_lift(suspension=Suspension.objects.get(), curator=curator)
    assert order() == bought
    assert counter_drift() == []


@pytest.mark.django_db
def test_the_rings_page_says_so_when_there_is_none(client):
    plant(12, ring=False)
    client.force_login(CuratorFactory())
    call_command("find_rings", stdout=io.StringIO())

    response = client.get("/admin/reviews/votering/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["rings"] == []
    assert "No suspicious groups" in response.text


@pytest.mark.django_db
def test_only_curators_who_may_change_standings_can_hold_a_ring(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    assert client.get("/admin/reviews/votering/").status_code == 403
    assert (
        client.post("/admin/reviews/votering/", {"accounts": "1", "reason": "x"}).status_code == 403
    )


@pytest.mark.django_db
def test_the_search_runs_a_fixed_number_of_queries(django_assert_num_queries):
    plant(13)

    with django_assert_num_queries(3):
        found = services.rings_search()

    assert len(found.clusters) == 1


PAGE = "/admin/reviews/votering/"


def curator_client(**options) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **options)
    client.force_login(CuratorFactory())
    return client


def members(page) -> list[set[int]]:
    return [{pk for pk, _name, _joined in ring.accounts} for ring in page.context["rings"]]


@pytest.mark.django_db
def test_the_page_shows_the_last_search_and_does_not_search_itself():
    ring_ids = plant(14)
    client = curator_client()

    before = client.get(PAGE)
    call_command("find_rings", stdout=io.StringIO())
    after = client.get(PAGE)

    assert before.context["rings"] == []
    assert "Not searched yet" in before.text
    assert "No suspicious groups" not in before.text
    assert members(after) == [ring_ids]
    assert "Searched 0\xa0minutes ago" in after.text
    recent = Vote.objects.filter(updated_at__gte=timezone.now() - rings.LOOKBACK)
    assert RingScan.objects.get().votes == recent.count()


@pytest.mark.django_db
def test_the_job_keeps_only_the_latest_search():
    plant(15)

    call_command("find_rings", stdout=io.StringIO())
    first = RingScan.objects.get()
    out = io.StringIO()
    call_command("find_rings", stdout=out)

    assert RingScan.objects.get().pk != first.pk
    assert out.getvalue().startswith("1 suspicious group(s) among")


@pytest.mark.django_db
def test_searching_again_now_is_a_post_with_the_pages_csrf_token():
    ring_ids = plant(16)
    client = curator_client(enforce_csrf_checks=True)
    page = client.get(PAGE)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    refused = client.post(PAGE, {"recompute": "1"})
    response = client.post(PAGE, {"recompute": "1", "csrfmiddlewaretoken": token}, follow=True)

    assert refused.status_code == 403
    assert response.redirect_chain == [(PAGE, 302)]
    assert "Searched again: 1 suspicious group in" in response.text
    assert members(response) == [ring_ids]


@pytest.mark.django_db
def test_only_curators_who_may_change_standings_can_search_again(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.post(PAGE, {"recompute": "1"}).status_code == 403
    assert not RingScan.objects.exists()


def clear_votes(user_ids) -> None:
    for vote in Vote.objects.filter(user_id__in=user_ids).select_related("user", "framework"):
        services.vote_cast(user=vote.user, framework=vote.framework, value=None)


@pytest.mark.django_db
def test_holding_a_ring_rechecks_it_under_the_current_votes_and_holds_only_its_members():
    ring_ids = sorted(plant(17))
    honest = get_user_model().objects.exclude(pk__in=ring_ids).first().pk
    call_command("find_rings", stdout=io.StringIO())
    clear_votes(ring_ids[:5])  # since the search, five of them took their votes back
    client = curator_client()

    response = client.post(
        PAGE,
        {"accounts": ",".join(map(str, [*ring_ids, honest])), "reason": "Vote ring"},
        follow=True,
    )

    held = set(Standing.objects.exclude(suspension=None).values_list("user_id", flat=True))
    assert held == set(ring_ids[5:])
    assert ModerationAction.objects.get().account_count == 25
    assert "The votes of 25 accounts are held out" in response.text
    assert "6 accounts of the group no longer vote with the ring" in response.text
    assert counter_drift() == []


@pytest.mark.django_db
def test_a_ring_that_broke_up_since_the_search_is_not_held():
    ring_ids = sorted(plant(18))
    call_command("find_rings", stdout=io.StringIO())
    clear_votes(ring_ids[: len(ring_ids) - rings.MIN_SIZE + 1])
    client = curator_client()

    response = client.post(
        PAGE, {"accounts": ",".join(map(str, ring_ids)), "reason": "Vote ring"}, follow=True
    )

    assert not Suspension.objects.exists()
    assert not ModerationAction.objects.exists()
    assert "these accounts no longer vote together as a ring" in response.text


@pytest.mark.django_db
def test_a_hold_without_a_reason_says_so_in_plain_words_on_the_page():
    ring_ids = sorted(plant(6))
    call_command("find_rings", stdout=io.StringIO())

    response = curator_client().post(
        PAGE, {"accounts": ",".join(map(str, ring_ids)), "reason": "   "}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain == [(PAGE, 302)]
    assert "A public reason is required; no votes were held out." in response.text
    assert "* reason" not in response.text
    assert not Suspension.objects.exists()


@pytest.mark.django_db
def test_the_page_lists_the_framework_days_left_out_as_too_popular():
    framework = FrameworkFactory(name="Crowded")
    RingScan.objects.create(
        computed_at=timezone.now(),
        seconds=1.5,
        votes=900,
        candidates=0,
        skipped=[{"framework": framework.pk, "value": -1, "day": "2026-11-20", "votes": 812}],
        skipped_count=1,
    )

    page = curator_client().get(PAGE)

    assert "1 framework-day was left out as too popular to be evidence" in page.text
    assert "Crowded · down · 11/20/2026 · 812 votes" in page.text


def grow(seed: int) -> None:
    """More honest voters on the same frameworks, and a search over them."""
    votes, accounts, _ring = generate(seed, ring=False)
    frameworks = list(Framework.objects.order_by("seed_rank").values_list("pk", flat=True))
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"more{seed}-{a.user}", date_joined=a.joined) for a in accounts
    )
    ids = {account.user: user.pk for account, user in zip(accounts, users, strict=True)}
    Vote.objects.bulk_create(
        Vote(user_id=ids[v.user], framework_id=frameworks[v.framework - 1], value=v.value)
        for v in votes
    )
    recount_all()
    call_command("find_rings", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_page_runs_a_fixed_number_of_queries_at_any_size():
    plant(19)
    call_command("find_rings", stdout=io.StringIO())
    client = curator_client()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(client.get(PAGE).context["rings"]) == 1
        return len(captured)

    small = queries()
    grow(20)
    grow(21)

    # Session, user, the curator's permissions (two), the search, its accounts, their counted
    # votes, the frameworks' counters.
    assert Vote.objects.count() > 3 * 1500
    assert (small, queries()) == (8, 8)

"""Vote rings: groups of accounts that vote together to move the ranking.

`find_rings` is a pure function over vote tuples, so it can be tested on generated data; the
admin's "Vote rings" page feeds it the recent votes (`suspicious_clusters`) and lets a curator
hold out a whole cluster's votes in one step (reviews.services.votes_suspend), undone by lifting
the hold.

Two accounts are linked when everything below holds at once:

- they are close: created within JOINED_WITHIN of each other, or from the same sign-up address;
- they voted the same way on at least MIN_SHARED frameworks, each time within WINDOW of each
  other, and agree on at least MIN_AGREEMENT of the frameworks both voted on;
- by chance that would be rare: two people voting on their own pick the same direction on a
  framework with probability share², where share is that direction's share of all its votes; the
  product over the agreements must be below MAX_CHANCE. Agreeing with the crowd on popular
  frameworks is common; down-voting the favourites together is not.

Clusters are the connected groups of linked accounts with at least MIN_SIZE members.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from catalog import ranking

WINDOW = timedelta(hours=24)
JOINED_WITHIN = timedelta(days=3)
MIN_SHARED = 3
MIN_AGREEMENT = 0.8
MAX_CHANCE = 1e-3
MIN_SIZE = 5
LOOKBACK = timedelta(days=60)  # the admin page looks at votes cast or changed this recently


@dataclass(frozen=True)
class CastVote:
    user: int
    framework: int
    value: int  # +1 or −1
    at: datetime
    counted: bool = True


@dataclass(frozen=True)
class Account:
    user: int
    joined: datetime
    address: str = ""  # hashed sign-up address, "" when unknown


@dataclass
class Cluster:
    accounts: list[int]
    chance: float  # the strongest link's chance of agreeing so by accident
    shared_address: int  # members sharing a sign-up address with another member
    votes: dict[int, tuple[int, int]] = field(default_factory=dict)  # framework -> (up, down)


def shares_from_counts(counts: dict[int, tuple[int, int]]) -> dict[tuple[int, int], float]:
    """{(framework, +1 or −1): share of that direction} from (up, down) counts."""
    shares = {}
    for framework, (up, down) in counts.items():
        total = up + down
        if total:
            shares[(framework, 1)], shares[(framework, -1)] = up / total, down / total
    return shares


def _chance_shares(votes: list[CastVote]) -> dict[tuple[int, int], float]:
    totals: dict[int, int] = defaultdict(int)
    by_direction: dict[tuple[int, int], int] = defaultdict(int)
    for vote in votes:
        totals[vote.framework] += 1
        by_direction[(vote.framework, vote.value)] += 1
    return {key: count / totals[key[0]] for key, count in by_direction.items()}


def _close_pairs(accounts: dict[int, Account], joined_within: timedelta):
    """Pairs of accounts created close together or from one address (each pair once)."""
    pairs = set()
    ordered = sorted(accounts.values(), key=lambda account: account.joined)
    for i, account in enumerate(ordered):
        for other in ordered[i + 1 :]:
            if other.joined - account.joined > joined_within:
                break
            pairs.add((min(account.user, other.user), max(account.user, other.user)))
    by_address: dict[str, list[int]] = defaultdict(list)
    for account in accounts.values():
        if account.address:
            by_address[account.address].append(account.user)
    for users in by_address.values():
        users.sort()
        pairs.update((a, b) for i, a in enumerate(users) for b in users[i + 1 :])
    return pairs


def _link_chance(mine, theirs, shares, window, min_shared, min_agreement) -> float | None:
    """The chance of two accounts' agreement by accident, or None when they are not linked."""
    both = mine.keys() & theirs.keys()
    agreed = [
        framework
        for framework in both
        if mine[framework].value == theirs[framework].value
        and abs(mine[framework].at - theirs[framework].at) <= window
    ]
    if len(agreed) < min_shared or len(agreed) < min_agreement * len(both):
        return None
    chance = 1.0
    for framework in agreed:
        chance *= shares[(framework, mine[framework].value)] ** 2
    return chance


def find_rings(
    votes: Iterable[CastVote],
    accounts: Iterable[Account],
    *,
    window: timedelta = WINDOW,
    joined_within: timedelta = JOINED_WITHIN,
    min_shared: int = MIN_SHARED,
    min_agreement: float = MIN_AGREEMENT,
    max_chance: float = MAX_CHANCE,
    min_size: int = MIN_SIZE,
    shares: dict[tuple[int, int], float] | None = None,
) -> list[Cluster]:
    """Clusters of accounts that voted together far more often than chance, largest first.

    `shares` gives each direction's share of a framework's votes (all time, say); by default
    it is taken from `votes` (which also fills in any framework missing from it).
    """
    votes = list(votes)
    accounts = {account.user: account for account in accounts}
    shares = {**_chance_shares(votes), **(shares or {})}
    by_user: dict[int, dict[int, CastVote]] = defaultdict(dict)
    for vote in votes:
        by_user[vote.user][vote.framework] = vote
    parent = {user: user for user in accounts}

    def root(user):
        while parent[user] != user:
            parent[user] = parent[parent[user]]
            user = parent[user]
        return user

    strongest: dict[int, float] = {}
    for a, b in _close_pairs(accounts, joined_within):
        chance = _link_chance(
            by_user.get(a, {}), by_user.get(b, {}), shares, window, min_shared, min_agreement
        )
        if chance is None or chance > max_chance:
            continue
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
        for user in (a, b):
            strongest[user] = min(strongest.get(user, 1.0), chance)
    groups: dict[int, list[int]] = defaultdict(list)
    for user in strongest:
        groups[root(user)].append(user)
    clusters = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        addresses = defaultdict(int)
        for user in members:
            if accounts[user].address:
                addresses[accounts[user].address] += 1
        cluster = Cluster(
            accounts=sorted(members),
            chance=min(strongest[user] for user in members),
            shared_address=sum(count for count in addresses.values() if count > 1),
        )
        for user in members:
            for vote in by_user[user].values():
                up, down = cluster.votes.get(vote.framework, (0, 0))
                cluster.votes[vote.framework] = (up + (vote.value > 0), down + (vote.value < 0))
        clusters.append(cluster)
    return sorted(clusters, key=lambda cluster: (-len(cluster.accounts), cluster.chance))


@dataclass(frozen=True)
class Moved:
    """What a cluster's counted votes do to one framework: its score and place with them and
    without them."""

    framework: int
    up: int
    down: int
    score_with: float
    score_without: float
    place_with: int
    place_without: int


def _places(counters: dict[int, tuple[int, int]]) -> dict[int, int]:
    order = sorted(counters, key=lambda pk: (-ranking.wilson_lower_bound(*counters[pk]), pk))
    return {pk: place for place, pk in enumerate(order, start=1)}


def effect(cluster: Cluster, counters: dict[int, tuple[int, int]], votes: Iterable[CastVote]):
    """How the cluster's counted votes move each framework they touch (score and place, with
    the frameworks' counted (up, down) in `counters`), the biggest move first."""
    members = set(cluster.accounts)
    mine: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for vote in votes:
        if vote.user in members and vote.counted and vote.framework in counters:
            mine[vote.framework][0 if vote.value > 0 else 1] += 1
    without = {
        pk: (up - mine[pk][0], down - mine[pk][1]) if pk in mine else (up, down)
        for pk, (up, down) in counters.items()
    }
    places_with, places_without = _places(counters), _places(without)
    moved = [
        Moved(
            pk,
            *mine[pk],
            ranking.wilson_lower_bound(*counters[pk]),
            ranking.wilson_lower_bound(*without[pk]),
            places_with[pk],
            places_without[pk],
        )
        for pk in mine
    ]
    return sorted(moved, key=lambda m: -abs(m.place_without - m.place_with))

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

Only pairs that voted the same way on at least MIN_SHARED frameworks within WINDOW are examined:
they are found from the votes (per framework and direction, sorted by time), so the work grows
with the votes cast close together, not with the number of accounts made close together (20,000
accounts made in one week are 200 million pairs). A framework-day on which more than MAX_VOTERS
accounts voted it the same way is too popular to be evidence: its votes make no pairs, and the
scan says which days it left out.
"""

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from catalog import ranking

WINDOW = timedelta(hours=24)
JOINED_WITHIN = timedelta(days=3)
MIN_SHARED = 3
MIN_AGREEMENT = 0.8
MAX_CHANCE = 1e-3
MIN_SIZE = 5
MAX_VOTERS = 500
LOOKBACK = timedelta(days=60)  # the admin page looks at votes cast or changed this recently
DAY = 86_400  # seconds; framework-days are UTC days
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class CastVote:
    user: int
    framework: int
    value: int  # +1 or −1
    at: datetime
    counted: bool = True


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True)
class Skipped:
    """A framework-day left out as too popular: `votes` accounts voted it `value` that day."""

    framework: int
    value: int
    day: date
    votes: int


@dataclass
class Scan:
    clusters: list[Cluster]
    skipped: list[Skipped]  # the most voted first
    candidates: int  # pairs that voted alike often enough to be examined in full
    votes: int  # votes examined


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


def _alike_pairs(by_user, window: timedelta, min_shared: int, max_voters: int):
    """Pairs (a, b), a < b, that voted the same way on at least `min_shared` frameworks within
    `window` of each other (a superset: the window is widened by a millisecond against rounding),
    and the framework-days left out as too popular."""
    placed: dict[int, list[tuple[tuple[int, int], float]]] = {}  # user -> [(line, moment)]
    days: Counter[tuple[int, int, int]] = Counter()  # (framework, value, day) -> votes
    for user, mine in by_user.items():
        if len(mine) >= min_shared:  # fewer votes can never agree often enough
            placed[user] = [((v.framework, v.value), v.at.timestamp()) for v in mine.values()]
            days.update((*line, int(moment // DAY)) for line, moment in placed[user])
    crowded = {key for key, votes in days.items() if votes > max_voters}
    lines: dict[tuple[int, int], list[tuple[float, int]]] = defaultdict(list)
    for user, mine in placed.items():
        mine[:] = [
            (line, moment) for line, moment in mine if (*line, int(moment // DAY)) not in crowded
        ]
        for line, moment in mine:
            lines[line].append((moment, user))
    sorted_lines = {}
    for line, entries in lines.items():
        entries.sort()
        sorted_lines[line] = ([moment for moment, _u in entries], [user for _m, user in entries])
    # Each account counts the accounts near each of its votes (C does the counting) and keeps
    # those with a larger id, so every pair comes once.
    span = window.total_seconds() + 1e-3
    pairs = []
    for user, mine in placed.items():
        near = Counter()
        for line, moment in mine:
            moments, users = sorted_lines[line]
            near.update(
                users[bisect_left(moments, moment - span) : bisect_right(moments, moment + span)]
            )
        pairs += [(user, other) for other, n in near.items() if n >= min_shared and user < other]
    skipped = [
        Skipped(framework, value, EPOCH + timedelta(days=day), days[(framework, value, day)])
        for framework, value, day in crowded
    ]
    skipped.sort(key=lambda day: (-day.votes, day.day, day.framework, day.value))
    return pairs, skipped


def _close(one: Account, other: Account, joined_within: timedelta) -> bool:
    """Created close together, or from one sign-up address."""
    if one.address and one.address == other.address:
        return True
    return abs(one.joined - other.joined) <= joined_within


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


def find_rings(votes: Iterable[CastVote], accounts: Iterable[Account], **options) -> list[Cluster]:
    """Clusters of accounts that voted together far more often than chance, largest first
    (the options as for `scan`)."""
    return scan(votes, accounts, **options).clusters


def scan(
    votes: Iterable[CastVote],
    accounts: Iterable[Account],
    *,
    window: timedelta = WINDOW,
    joined_within: timedelta = JOINED_WITHIN,
    min_shared: int = MIN_SHARED,
    min_agreement: float = MIN_AGREEMENT,
    max_chance: float = MAX_CHANCE,
    min_size: int = MIN_SIZE,
    max_voters: int = MAX_VOTERS,
    shares: dict[tuple[int, int], float] | None = None,
) -> Scan:
    """The clusters, largest first, with the framework-days left out as too popular.

    `shares` gives each direction's share of a framework's votes (all time, say); by default
    it is taken from `votes` (which also fills in any framework missing from it).
    """
    votes = list(votes)
    accounts = {account.user: account for account in accounts}
    shares = {**_chance_shares(votes), **(shares or {})}
    by_user: dict[int, dict[int, CastVote]] = defaultdict(dict)
    for vote in votes:
        if vote.user in accounts:
            by_user[vote.user][vote.framework] = vote
    pairs, skipped = _alike_pairs(by_user, window, min_shared, max_voters)
    parent = {user: user for user in accounts}

    def root(user):
        while parent[user] != user:
            parent[user] = parent[parent[user]]
            user = parent[user]
        return user

    strongest: dict[int, float] = {}
    for a, b in pairs:
        if not _close(accounts[a], accounts[b], joined_within):
            continue
        chance = _link_chance(by_user[a], by_user[b], shares, window, min_shared, min_agreement)
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
    clusters.sort(key=lambda cluster: (-len(cluster.accounts), cluster.chance))
    return Scan(clusters, skipped, len(pairs), len(votes))


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


def effect(theirs: dict[int, tuple[int, int]], counters: dict[int, tuple[int, int]]):
    """How a cluster's counted votes, (up, down) per framework in `theirs`, move each framework
    they touch: score and place with them and without them, the frameworks' counted (up, down)
    in `counters`. The biggest move first."""
    mine = {pk: votes for pk, votes in theirs.items() if pk in counters}
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
    return sorted(
        moved,
        key=lambda m: (
            -abs(m.place_without - m.place_with),
            -abs(m.score_without - m.score_with),
            m.framework,
        ),
    )

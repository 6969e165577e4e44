"""`manage.py make_bench_data`: the benchmark's dataset in bulk, counters computed once and true."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from catalog.models import Framework
from reviews.counters import counter_drift
from reviews.models import HelpfulVote, Review, Vote

pytestmark = pytest.mark.django_db

SIZES = ["--frameworks=50", "--votes=400", "--reviews=60", "--users=20", "--helpful=90"]


def build(*args):
    out = io.StringIO()
    call_command("make_bench_data", *args, stdout=out)
    return out.getvalue()


def test_builds_the_asked_sizes_on_top_of_the_seed_with_true_counters(seeded):
    out = build(*SIZES)

    assert "all counters match the rows" in out
    assert Framework.objects.count() == 50
    assert get_user_model().objects.count() == 20
    assert (Vote.objects.count(), Review.objects.count()) == (400, 60)
    assert HelpfulVote.objects.count() == 90
    generated = Framework.objects.filter(slug__startswith="bench-")
    assert all(framework.tags.count() == 3 for framework in generated)
    assert counter_drift() == []
    django = Framework.objects.get(slug="django")
    assert django.upvotes + django.downvotes == Vote.objects.filter(framework=django).count() > 0


def test_running_it_again_does_nothing(seeded):
    build(*SIZES)

    assert "nothing to do" in build(*SIZES)
    assert Vote.objects.count() == 400


def test_it_refuses_a_database_with_another_dataset(seeded):
    build(*SIZES)

    with pytest.raises(CommandError, match="another benchmark dataset"):
        build("--frameworks=60", "--votes=400", "--reviews=60", "--users=20")


def test_votes_go_in_with_their_window_flags_so_the_recount_sets_none(seeded, monkeypatch):
    from reviews.management.commands import make_bench_data

    repaired = []
    real = make_bench_data.recount_all

    def recount_all():
        repaired.extend(real())
        return repaired

    monkeypatch.setattr(make_bench_data, "recount_all", recount_all)
    build(*SIZES)

    assert not [line for line in repaired if line.model == "Vote"]
    assert Vote.objects.filter(in_week=True).exists()
    assert Vote.objects.filter(in_year=True).count() > Vote.objects.filter(in_week=True).count()


def test_no_vote_is_generated_near_a_window_edge():
    """The flags are set at insert; a vote that crossed an edge before the recount (a minute
    later at the large size) was aged out of counters still at zero, and the build failed on the
    counters' check constraint. Votes stay an hour clear of the 7-day and 12-month edges."""
    import random

    from catalog import ranking
    from reviews.management.commands.make_bench_data import Command

    command = Command()
    command.rng = random.Random(7)
    ages = [command._vote_age() for _ in range(200_000)]

    near = [
        age
        for age in ages
        for edge in (ranking.TREND_DAYS, ranking.RECENT_DAYS)
        if abs(age - edge) <= 1 / 24
    ]
    assert near == []
    assert min(ages) < 1 and max(ages) > 399  # still the whole range
    this_week = sum(age < ranking.TREND_DAYS for age in ages) / len(ages)
    assert this_week == pytest.approx(0.05, abs=0.01)

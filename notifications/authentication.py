"""API callers read in their language: a token caller's request carries no session, so the
saved language (UserLanguage) that ReaderLanguageMiddleware applies to signed-in browsers is
applied here, once the token names the user.

Precedence: a supported language in the request's Accept-Language header (already active,
from LocaleMiddleware), else the caller's saved language, else the site's."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

from roles.tokens import ApiTokenAuthentication


def asked_language(request) -> str | None:
    """The first supported language of the Accept-Language header, or None."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def saved_language(user) -> str | None:
    try:
        return user.language_preference.language
    except ObjectDoesNotExist:
        return None


class ReaderTokenAuthentication(ApiTokenAuthentication):
    """`Authorization: Token <key>`; answers in the caller's language."""

    related = ("user", "user__language_preference")

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            django_request = getattr(request, "_request", request)
            if asked_language(django_request) is None:
                chosen = saved_language(result[0])
                if chosen and chosen != translation.get_language():
                    translation.activate(chosen)
                    django_request.LANGUAGE_CODE = chosen
        return result

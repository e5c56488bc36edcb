"""A signed-in user reads the app in the language they chose (the switcher or the settings
page), on every device: the choice is put in the session at login (notifications.views.LoginView)
and by the switcher, and activated here, over the cookie/Accept-Language choice of
LocaleMiddleware. No database query per request: the session carries it."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

SESSION_KEY = "ltc_language"


def remember_language(request, language: str) -> None:
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = language


def remember_saved_language(request, user) -> None:
    """At login: the user's saved language goes into the new session."""
    from .models import UserLanguage

    language = UserLanguage.objects.filter(user_id=user.pk).values_list("language", flat=True)
    chosen = language.first()
    if chosen:
        remember_language(request, chosen)


class ReaderLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _label in settings.LANGUAGES}

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            chosen = session.get(SESSION_KEY)
            if chosen in self.languages and chosen != translation.get_language():
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)

"""API tokens: issue, authenticate, revoke (roles.models.ApiToken).

`Authorization: Token <key>` as with DRF's TokenAuthentication, but a user may hold several
keys, list and revoke their own, and keys may expire (LTC["API_TOKEN_TTL_DAYS"]). Keys are
stored as SHA-256 digests, so a copy of the database does not hand out working keys.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken

# last_used_at is written at most this often per token, not on every request.
TOUCH_EVERY = datetime.timedelta(minutes=1)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def ttl_days() -> int:
    return int(settings.LTC.get("API_TOKEN_TTL_DAYS", 0) or 0)


@transaction.atomic
def token_issue(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its key, which is never shown again."""
    key = secrets.token_hex(20)
    days = ttl_days()
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100],
        prefix=key[:8],
        digest=digest(key),
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
    )
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, user) -> ApiToken:
    """Revoke one of `user`'s own tokens (kept, marked revoked, so the list shows it)."""
    if token.user_id != user.pk:
        raise PermissionDenied(_("You may revoke only your own tokens."))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def token_list(*, user):
    return ApiToken.objects.filter(user=user)


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against ApiToken: refused when unknown, revoked, expired
    or its user is inactive."""

    # Read with the token in its one query; a subclass may add relations of the user.
    related: tuple[str, ...] = ("user",)

    def authenticate_credentials(self, key):
        tokens = ApiToken.objects.select_related(*self.related)
        token = tokens.filter(digest=digest(key)).first()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Token expired."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

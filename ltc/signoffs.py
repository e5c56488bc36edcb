"""Gates with several sign-offs (DESIGN.md): a record moves on only when every required role
has signed off, each sign-off recorded with who and when. Quotes and contracts share this."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignOffDecision(models.TextChoices):
    APPROVED = "approved", _("Signed off")
    REJECTED = "rejected", _("Rejected")


def missing_sign_offs(required, done) -> list[str]:
    """The required roles, in order, that have not signed off yet."""
    done = set(done)
    return [role for role in required if role not in done]


def ensure_signed_off(missing, role_choices) -> None:
    """Refuse (400) while sign-offs are missing, naming the roles still to sign."""
    if missing:
        raise ValidationError(
            _("Sign-offs still missing: %(roles)s")
            % {"roles": ", ".join(str(role_choices(r).label) for r in missing)}
        )

"""Checks of the company's own details."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

IMAGE_MAX_BYTES = 2 * 1024 * 1024


def normalise_tax_id(value: str) -> str:
    return uscc.compact(value or "")


def validate_tax_id(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015): 18 characters of the code's alphabet whose last is the
    check digit of the other 17."""
    if not value:
        return
    try:
        uscc.validate(value)
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The check digit of this unified social credit code is wrong: check for a typo."),
            code="tax_id_checksum",
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "other than I, O, S, V and Z."
            ),
            code="tax_id_format",
        ) from exc


def validate_image_size(file) -> None:
    """A logo or seal is printed small: the file may be at most COMPANY_IMAGE_MAX_BYTES."""
    maximum = int(settings.LTC.get("COMPANY_IMAGE_MAX_BYTES", IMAGE_MAX_BYTES))
    size = int(file.size)
    if size > maximum:
        raise ValidationError(
            _("The image is %(size)s; it may be at most %(max)s.")
            % {"size": filesizeformat(size), "max": filesizeformat(maximum)},
            code="file_too_big",
        )

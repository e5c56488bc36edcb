"""What every printed document shares: its language, the company header and seal, and images
read through the storage API (embedded as data: URIs, so the PDF renderer fetches nothing)."""

from __future__ import annotations

import base64
import mimetypes

from django.conf import settings

LANGUAGES = {code for code, _label in settings.LANGUAGES}


def document_language(request, default: str | None = None) -> str:
    """The language asked for by `?lang=` (zh-hans or en), else the reader's UI language."""
    asked = (request.GET.get("lang") or "").lower()
    if asked in LANGUAGES:
        return asked
    return default or getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE


def image_data_uri(field) -> str:
    """A stored image as a data: URI; empty when there is none or it cannot be read."""
    if not field or not field.name:
        return ""
    try:
        with field.storage.open(field.name, "rb") as stream:
            data = stream.read()
    except OSError:
        return ""
    kind = mimetypes.guess_type(field.name)[0] or "image/png"
    if kind not in ("image/png", "image/jpeg"):
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"

"""The demo seed's own marker: each demo row is registered under a demo key in DemoRecord, so
a second seed finds exactly its own rows, whatever users have named theirs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import DemoRecord

M = TypeVar("M", bound=models.Model)


def demo_object(key: str, model: type[M]) -> M | None:
    """The demo row registered under `key`, or None (a marker whose row was deleted is
    dropped, so the seed can create the row again)."""
    marker = DemoRecord.objects.filter(key=key).first()
    if marker is None:
        return None
    if marker.content_type.model_class() is model:
        obj = model._default_manager.filter(pk=marker.object_id).first()
        if obj is not None:
            return obj
    marker.delete()
    return None


def demo_mark(key: str, obj: models.Model) -> None:
    DemoRecord.objects.update_or_create(
        key=key,
        defaults={
            "content_type": ContentType.objects.get_for_model(type(obj)),
            "object_id": obj.pk,
        },
    )


def demo_get_or_create(key: str, model: type[M], create: Callable[[], M]) -> tuple[M, bool]:
    """The demo row under `key`, or the one `create()` makes, registered under `key`."""
    obj = demo_object(key, model)
    if obj is not None:
        return obj, False
    obj = create()
    demo_mark(key, obj)
    return obj, True

"""Reads that span the pipeline: a record's transition history."""

from django.contrib.contenttypes.models import ContentType

from .models import TransitionLog


def record_history(record):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).select_related("by")

"""The provider feedback declares for ltc.flags (FeedbackConfig.contributes): open AccountFlags."""

from .models import AccountFlag


def open_account_flags(account_ids) -> dict[int, list[dict]]:
    result: dict[int, list[dict]] = {}
    rows = AccountFlag.objects.filter(account_id__in=account_ids, cleared_at__isnull=True).order_by(
        "created_at", "pk"
    )
    for flag in rows:
        result.setdefault(flag.account_id, []).append(
            {
                "id": flag.pk,
                "reason": flag.reason,
                "label": flag.get_reason_display(),
                "note": flag.note,
                "since": flag.created_at,
                "url": flag.get_absolute_url(),
            }
        )
    return result

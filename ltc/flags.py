"""Warnings a later stage raises on an account (e.g. service: "customer at risk"), shown on the
earlier stages' pages without those stages importing the later one.

A stage declares a provider in its AppConfig (`contributes.flags`, ltc/wiring.py):
provider(account_ids) -> {account_id: [flag]}
where a flag is a dict with "label", "note", "since" and "url". Templates call
`{% load ltc_flags %}{% account_flags account %}`.
"""

from __future__ import annotations

PROVIDERS: list = []


def flags_for_accounts(account_ids) -> dict[int, list[dict]]:
    ids = [i for i in account_ids if i is not None]
    result: dict[int, list[dict]] = {i: [] for i in ids}
    if not ids:
        return result
    for provider in PROVIDERS:
        for account_id, flags in provider(ids).items():
            result.setdefault(account_id, []).extend(flags)
    return result


def flags_for(account) -> list[dict]:
    if account is None:
        return []
    account_id = getattr(account, "pk", account)
    return flags_for_accounts([account_id]).get(account_id, [])

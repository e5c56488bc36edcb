"""Possible duplicates found before a record is created (accounts and leads).

The creating service raises `DuplicateError` (409) unless the caller confirmed: the page
shows the matches with a "create anyway" box, the API answers 409 with them unless
`confirm_duplicate` is sent. Only matches the caller may see are named; the others are
counted (`hidden`), so a salesperson learns that a colleague already has the customer
without learning who or what it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Match:
    kind: str  # "account", "contact" or "lead"
    id: int
    name: str
    url: str
    fields: tuple[str, ...]  # what matched: "name", "email", "phone"


@dataclass
class Matches:
    visible: list[Match] = field(default_factory=list)
    hidden: int = 0  # matching records the caller may not see

    def __bool__(self) -> bool:
        return bool(self.visible or self.hidden)

    def add(self, kind: str, record, fields: set[str], *, visible: bool) -> None:
        if not visible:
            self.hidden += 1
            return
        order = ("name", "email", "phone")
        self.visible.append(
            Match(
                kind=kind,
                id=record.pk,
                name=str(record),
                url=record.get_absolute_url(),
                fields=tuple(f for f in order if f in fields),
            )
        )

    def as_data(self) -> dict:
        return {
            "duplicates": [
                {"kind": m.kind, "id": m.id, "name": m.name, "url": m.url, "fields": list(m.fields)}
                for m in self.visible
            ],
            "hidden_duplicates": self.hidden,
        }


class DuplicateError(ValidationError):
    """Refused because the record seems to exist already; the matches are on `.matches`."""

    def __init__(self, matches: Matches):
        self.matches = matches
        super().__init__(
            {
                "confirm_duplicate": [
                    _(
                        "This looks like a record that already exists. Check the matches, "
                        "then confirm to create it anyway."
                    )
                ]
            }
        )


def duplicates_of(outcome) -> Matches | None:
    """The matches a page shows when its service call was refused as a duplicate."""
    error = getattr(outcome, "error", None)
    return error.matches if isinstance(error, DuplicateError) else None

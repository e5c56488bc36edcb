"""The columns of the activity export (the work list, API). Chain link: the record the
activity is logged on (its type and id)."""

from django.utils.translation import gettext_lazy as _

from ltc.exports import Column, Export, register

ACTIVITIES = register(
    Export(
        name="activities",
        title=_("Activities"),
        select_related=("owner", "content_type"),
        columns=(
            Column("id", _("ID"), "pk", "number"),
            Column("kind", _("Kind"), "get_kind_display"),
            Column("subject", _("Subject"), "subject"),
            Column("record_type", _("Record type"), "content_type.model"),
            Column("record_id", _("Record ID"), "object_id", "number"),
            Column("owner", _("Owner"), "owner.get_username"),
            Column("due", _("Due"), "due_at", "datetime"),
            Column("done", _("Done"), "done_at", "datetime"),
            Column("next_follow_up", _("Next follow-up"), "next_follow_up_at", "datetime"),
            Column("created", _("Created"), "created_at", "datetime"),
            Column("notes", _("Notes"), "notes"),
        ),
    )
)

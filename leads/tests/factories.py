import datetime
from decimal import Decimal

import factory
from guardian.shortcuts import assign_perm

from leads.models import Lead, LeadSource


class LeadFactory(factory.django.DjangoModelFactory):
    """A lead in `new`; `lead_in(status)` below gives one already in another state."""

    class Meta:
        model = Lead
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Lead Person {n}")
    company = factory.Sequence(lambda n: f"Lead Co {n}")
    email = factory.Sequence(lambda n: f"lead{n}@example.com")
    phone = factory.Sequence(lambda n: f"+86 138 {n:08d}")
    source = LeadSource.WEB

    @factory.post_generation
    def grant_owner(self, create, extracted, **kwargs):
        if create and self.owner_id:
            assign_perm("leads.view_lead", self.owner, self)
            assign_perm("leads.change_lead", self.owner, self)


class QualifiableLeadFactory(LeadFactory):
    need = "ERP integration for 3 plants"
    budget = Decimal("250000.00")
    expected_close_date = factory.LazyFunction(
        lambda: datetime.date.today() + datetime.timedelta(days=60)
    )
    decision_maker = "CFO Wang"


def lead_in(status: str, **kwargs) -> Lead:
    """A lead already in `status`, set up through the same path the database would hold it
    (bypassing transitions is fine for fixtures: the rules are tested separately)."""
    lead = QualifiableLeadFactory(**kwargs)
    Lead.objects.filter(pk=lead.pk).update(status=status)
    lead.refresh_from_db()
    return lead

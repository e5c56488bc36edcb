import datetime
from decimal import Decimal

import factory

from catalog.tests.factories import ProductFactory
from customers.tests.factories import AccountFactory
from opportunities.models import Opportunity, Quote, QuoteLine
from roles.tests.factories import user_with


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Deal {n}")
    account = factory.SubFactory(AccountFactory)
    owner = factory.LazyFunction(lambda: user_with("sales"))
    amount = Decimal("100000.00")
    currency = "CNY"
    expected_close_date = factory.LazyFunction(
        lambda: datetime.date.today() + datetime.timedelta(days=45)
    )


def opportunity_in(stage: str, **kwargs) -> Opportunity:
    """An opportunity already in `stage` (fixture shortcut; the rules are tested via run)."""
    from opportunities.models import stage_probability

    opp = OpportunityFactory(**kwargs)
    Opportunity.objects.filter(pk=opp.pk).update(stage=stage, probability=stage_probability(stage))
    opp.refresh_from_db()
    return opp


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    opportunity = factory.SubFactory(OpportunityFactory)
    version = factory.Sequence(lambda n: n + 1)
    currency = "CNY"


def add_line(quote: Quote, *, discount_pct="0", quantity="1", unit_price="100.00", tax_rate="13"):
    line = QuoteLine(
        quote=quote,
        product=ProductFactory(currency=quote.currency),
        quantity=Decimal(quantity),
        unit_price=Decimal(unit_price),
        discount_pct=Decimal(discount_pct),
        tax_rate=Decimal(tax_rate),
    )
    line.compute()
    line.save()
    quote.recalculate()
    quote.save()
    return line


def quote_in(status: str, *, discount_pct="0", manager=False, finance=False, **kwargs) -> Quote:
    """A quote with one line already in `status` (fixture shortcut)."""
    quote = QuoteFactory(**kwargs)
    add_line(quote, discount_pct=discount_pct)
    Quote.objects.filter(pk=quote.pk).update(
        status=status, needs_manager_sign_off=manager, needs_finance_sign_off=finance
    )
    quote.refresh_from_db()
    return quote

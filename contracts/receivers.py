"""Hand-off receivers (ltc/handoffs.py): the earlier stage's transaction creates our record."""


def on_opportunity_won(sender, *, instance, quote, user, **kwargs):
    from .services import contract_create_from_quote

    contract_create_from_quote(opportunity=instance, quote=quote, user=user)


def on_invoice_paid(sender, *, instance, user, **kwargs):
    """invoice_paid (billing, inside the payment's transaction): complete the contract when all
    its orders are delivered and every milestone's invoice is paid. Connected by billing's
    AppConfig.ready (dispatch_uid "contracts.invoice_paid")."""
    from .models import ContractStatus
    from .services import contract_complete

    contract = instance.contract
    if contract is None or contract.status != ContractStatus.SIGNED:
        return
    orders = [o.status for o in contract.orders.all() if o.status != "cancelled"]
    if not orders or any(status != "delivered" for status in orders):
        return
    invoices = [i for i in contract.invoices.all() if i.status != "void"]
    if any(i.status != "paid" for i in invoices):
        return
    invoiced = {i.milestone_id for i in invoices}
    if any(m.pk not in invoiced for m in contract.milestones.all()):
        return
    contract_complete(contract=contract)

"""Hand-off receivers (ltc/handoffs.py): the earlier stage's transaction drafts our invoices."""


def on_contract_signed(sender, *, instance, user, **kwargs):
    from .services import invoices_for_signed_contract

    invoices_for_signed_contract(contract=instance, user=user)


def on_order_accepted(sender, *, instance, user, **kwargs):
    from .services import invoices_for_accepted_order

    invoices_for_accepted_order(order=instance, user=user)


def on_order_delivered(sender, *, instance, user, **kwargs):
    from .services import invoices_for_delivered_order

    invoices_for_delivered_order(order=instance, user=user)

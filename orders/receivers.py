"""Hand-off receivers (ltc/handoffs.py): the earlier stage's transaction creates our record."""


def on_contract_signed(sender, *, instance, user, **kwargs):
    from .services import order_create_from_contract

    order_create_from_contract(contract=instance, user=user)

"""Hand-off receivers (ltc/handoffs.py): the earlier stage's transaction creates our record."""


def on_opportunity_won(sender, *, instance, quote, user, **kwargs):
    from .services import contract_create_from_quote

    contract_create_from_quote(opportunity=instance, quote=quote, user=user)

"""Hand-off receivers (ltc/handoffs.py): the earlier stage's transaction drafts our invoices."""


def on_contract_signed(sender, *, instance, user, **kwargs):
    from contracts.models import MilestoneTrigger

    from .services import draft_for_trigger

    draft_for_trigger(contract=instance, trigger=MilestoneTrigger.ON_SIGNING, user=user)


def on_order_accepted(sender, *, instance, user, **kwargs):
    from contracts.models import MilestoneTrigger

    from .services import draft_for_trigger

    draft_for_trigger(contract=instance.contract, trigger=MilestoneTrigger.ON_ACCEPTANCE, user=user)


def on_order_delivered(sender, *, instance, user, **kwargs):
    from contracts.models import MilestoneTrigger

    from .services import draft_for_trigger

    draft_for_trigger(contract=instance.contract, trigger=MilestoneTrigger.ON_DELIVERY, user=user)

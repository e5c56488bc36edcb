"""Hand-off receivers (ltc/handoffs.py): the earlier stage's transaction sends our survey."""


def on_order_delivered(sender, *, instance, user=None, **kwargs):
    from .services import survey_for_delivered_order

    survey_for_delivered_order(order=instance)

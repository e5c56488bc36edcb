"""Hand-off receivers (ltc/handoffs.py): the earlier stage's transaction creates our record."""


def on_lead_converted(sender, *, instance, account, contact, user, **kwargs):
    from .services import opportunity_create_from_lead

    opportunity_create_from_lead(lead=instance, account=account, contact=contact, user=user)

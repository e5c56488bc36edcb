from django import template

from ltc.flags import flags_for

register = template.Library()


@register.inclusion_tag("includes/account_flags.html")
def account_flags(account):
    """`{% account_flags account %}`: the open warnings on an account (nothing if none)."""
    return {"flags": flags_for(account), "account": account}

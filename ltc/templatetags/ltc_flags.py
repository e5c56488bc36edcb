from django import template

from ltc.flags import flags_for, flags_for_accounts

register = template.Library()


@register.inclusion_tag("includes/account_flags.html")
def account_flags(account):
    """`{% account_flags account %}`: the open warnings on an account (nothing if none)."""
    return {"flags": flags_for(account), "account": account}


@register.simple_tag
def page_account_flags(rows, path="account_id"):
    """`{% page_account_flags page.object_list "account_id" as flagmap %}`: the open flags of
    every account on a list page, read at once ({account id: [flag]})."""
    ids = set()
    for row in rows:
        value = row
        for part in path.split("."):
            value = getattr(value, part, None)
        ids.add(value)
    return flags_for_accounts(ids)


@register.inclusion_tag("includes/flag_badge.html")
def flag_badge(flagmap, account_id):
    """`{% flag_badge flagmap row.account_id %}`: a small "at risk" badge on a list row."""
    return {"flags": (flagmap or {}).get(account_id, [])}

"""Every hand-off of the lead-to-cash chain, in one place.

An earlier stage's transition service sends the signal inside its transaction; each later
stage that takes the work over declares one receiver for it in its AppConfig
(`contributes.receivers`, ltc/wiring.py), which calls its own service, so the new record
commits or rolls back with the transition. A stage never imports a later one.

Who sends and who receives what: `python manage.py ltc_wiring` (and the README section "The
hand-off chain", kept equal to it by a test).
"""

from django.dispatch import Signal

# instance=Lead, account=Account, contact=Contact, user=User
lead_converted = Signal()
# instance=Opportunity, quote=Quote (the accepted one), user=User
opportunity_won = Signal()
# instance=Contract, user=User
contract_signed = Signal()
# instance=Order, user=User
order_delivered = Signal()
# instance=Order, user=User
order_accepted = Signal()

# The names of the hand-off signals above, in the order of the chain.
HANDOFFS = (
    "lead_converted",
    "opportunity_won",
    "contract_signed",
    "order_delivered",
    "order_accepted",
)

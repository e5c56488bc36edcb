"""Every hand-off of the lead-to-cash chain, in one place.

An earlier stage's transition service sends the signal inside its transaction; the later
stage connects a receiver (in its AppConfig.ready) that calls its own service, so the new
record commits or rolls back with the transition.

| signal                | sent by                  | received by (when that stage exists)   |
|-----------------------|--------------------------|----------------------------------------|
| lead_converted        | leads.services.convert   | opportunities: create the opportunity  |
"""

from django.dispatch import Signal

# instance=Lead, account=Account, contact=Contact, user=User
lead_converted = Signal()

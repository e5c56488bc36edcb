"""Every hand-off of the lead-to-cash chain, in one place.

An earlier stage's transition service sends the signal inside its transaction; the later
stage connects a receiver (in its AppConfig.ready) that calls its own service, so the new
record commits or rolls back with the transition. A stage never imports a later one.

signal            sent by (inside its transaction)   received by
----------------  ---------------------------------  ---------------------------------------
lead_converted    leads: lead_convert                opportunities: the opportunity, one per
                                                     lead (opportunity_create_from_lead)
opportunity_won   opportunities: opportunity_win     contracts: draft contract from the quote
contract_signed   contracts: sign                    orders: the order; billing: invoices of
                                                     on-signing milestones
order_delivered   orders: deliver                    billing: invoices of on-delivery
                                                     milestones; feedback: the NPS survey
order_accepted    orders: accept (验收)              billing: invoices of on-acceptance
                                                     milestones
invoice_paid      billing: payment, balance zero     contracts: complete when all is done
ticket_resolved   feedback: resolve                  feedback: the CSAT survey
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
# instance=Invoice, user=User or None (system)
invoice_paid = Signal()
# instance=Ticket, user=User
ticket_resolved = Signal()

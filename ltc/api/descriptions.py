"""Descriptions of the fields that mean the same on every record (ids, times, owners, links to
the other links of the chain, amounts and their currency, line arithmetic), for the OpenAPI
schema of the model serializers.

A field's own help text (the serializer's, or the model field's) always wins; these fill in
only where a field has none, so a field whose meaning is particular to its resource says so
where it is declared. `{model}` is the record's name (e.g. "quote line").
"""

from __future__ import annotations

# Money and line arithmetic follow ltc/money.py: gross = quantity x unit price; the discount
# is a percentage of the gross; tax is charged on what remains; total = gross - discount + tax.
COMMON: dict[str, str] = {
    "id": "The {model}'s id",
    "name": "The {model}'s name",
    "created_at": "When the {model} was created",
    "updated_at": "When the {model} was last changed",
    "created_by": "The user (id) who created the {model}",
    "owner": "The user (id) responsible for the {model}",
    "owner_name": "The owner's display name",
    "account": "The customer account (id) the {model} belongs to",
    "account_name": "The name of the {model}'s account",
    "contact": "The contact person (id) at the account",
    "lead": "The lead (id) the {model} came from",
    "opportunity": "The opportunity (id) the {model} belongs to",
    "quote": "The quote (id) the {model} belongs to",
    "contract": "The contract (id) the {model} belongs to",
    "contract_number": "The number of the {model}'s contract",
    "order": "The order (id) the {model} concerns",
    "invoice": "The invoice (id) the {model} concerns",
    "invoice_number": "The number of the invoice",
    "payment": "The payment (id) the {model} concerns",
    "product": "The catalogue product (id)",
    "team": "The team (id)",
    "solution_owner": "The sales-support engineer (user id) who owns the solution",
    "fulfilment_owner": "The operations user (id) who owns delivery",
    "currency": "ISO 4217 code of the currency of the {model}'s amounts (e.g. CNY)",
    "notes": "Free-text notes on the {model}",
    "description": "Free text describing the {model}",
    "email": "Email address of the {model}",
    "phone": "Phone number of the {model}",
    "status": "The {model}'s state; it changes only through its transitions "
    "(GET /api/v1/<resource>/{{id}}/transitions/ lists them)",
    "number": "The {model}'s number, given by the system (unique)",
    "version": "The version of the {model}: 1, then one more for each revision",
    "superseded": "True once a later version replaces this one",
    "editable": "Whether the {model} may still be changed (only while it is a draft)",
    "lines": "The {model}'s lines, in order",
    "position": "Order among its siblings (lower first)",
    "amount": "The amount, in the {model}'s currency",
    "quantity": "Quantity, in the line's unit",
    "unit": "Unit of measure (e.g. pcs, set, hour)",
    "unit_price": "Price per unit before discount and tax",
    "discount_pct": "Discount in percent of the gross amount (0-100)",
    "tax_rate": "Tax rate in percent, charged on the amount after discount (e.g. 13.00)",
    "gross": "Quantity x unit price",
    "discount_amount": "The discount: discount % of the gross",
    "tax_amount": "The tax: tax rate % of the gross after discount",
    "subtotal": "Sum of the lines before tax (after discounts)",
    "next_follow_up_at": "When the owner plans to follow up next; they are reminded then",
    "last_activity_at": "When the last activity (call, meeting, email, ...) was logged on it",
    "expected_close_date": "When the deal is expected to be won or lost",
    "payment_terms_days": "Days from issue to due date",
    "issue_date": "The date it was issued",
    "due_date": "The date by which it is to be paid",
    "comment": "A comment recorded with it",
    "reversed": "True once the allocation was reversed (it no longer counts)",
    "active": "Inactive ones are kept for history but not offered for new use",
    "events": "The events it is sent (empty: all)",
    "language": "The language of documents and emails sent to it: en or zh-hans",
    "attachments": "Files attached to the {model}",
    "sign_offs": "The sign-offs given so far (role, decision, who, when, comment)",
    "missing_sign_offs": "The roles whose sign-off is still needed",
    "submitted_at": "When it was submitted for approval",
    "approved_at": "When it was approved",
    "rejected_at": "When it was rejected",
    "rejection_reason": "Why it was rejected",
    "source": "The channel it came from",
    "category": "The category it is filed under",
    "title": "The {model}'s title",
    "signatories": "Who signs, for each party",
    "start_date": "The first day it is in force",
    "end_date": "The last day it is in force",
    "terms": "The terms and conditions text",
    "shipped_at": "When it was shipped",
    "cleared_at": "When it was cleared; null while open",
    "cleared_by": "The user (id) who cleared it",
    "note": "A free-text note",
    "reference": "The bank or payer reference",
    "date": "The date it happened",
    "uploaded_by": "The user (id) who uploaded it",
    "uploaded_at": "When it was uploaded",
    "kind": "What kind of {model} it is",
    "provider": "The chat platform of the group bot",
    "user": "The user (id)",
    "user_name": "The user's display name",
    "role": "The role that gives this sign-off",
    "decision": "approve or reject",
    "at": "When it happened",
    "url": "The {model}'s page in the browser",
    "subject": "One line saying what it is about",
    "signed_on": "The date the customer signed",
    "valid_until": "The last day the customer may accept the quote",
    "promised_delivery_date": "The delivery date promised to the customer",
    "delivered_on": "The date the customer received it",
    "carrier": "The carrier (e.g. SF Express)",
    "tracking_number": "The carrier's tracking number",
    "due_at": "When it is planned or due",
    "done_at": "When it was done; null while planned",
    "sent_at": "When it was sent",
    "answered_at": "When the customer answered; null until then",
    "assignee": "The user (id) working on it",
    "assignee_name": "The assignee's display name",
    "ticket": "The service ticket (id) it concerns",
    "review_round": "The review round it belongs to (a rejected record goes round again)",
}

LINE_TOTAL = "Line total: gross - discount + tax"
RECORD_TOTAL = "Total including tax: the sum of the line totals, in the {model}'s currency"


def describe(field) -> str | None:
    """A description for a model serializer's field that has none of its own, or None."""
    meta = getattr(field.parent, "Meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return None
    name = field.field_name
    verbose = str(model._meta.verbose_name)
    if name == "total":
        text = LINE_TOTAL if model.__name__.endswith("Line") else RECORD_TOTAL
    else:
        text = COMMON.get(name)
    return text.format(model=verbose) if text else None


def described(**texts: str):
    """Class decorator: the help text (and so the schema description) of a serializer's
    fields, declared or generated from the model, without touching the model."""

    def apply(cls):
        declared = cls._declared_fields
        meta = getattr(cls, "Meta", None)
        extra = dict(getattr(meta, "extra_kwargs", None) or {})
        listed = getattr(meta, "fields", None)
        for name, text in texts.items():
            if name in declared:
                # A serializer copies its declared fields by re-instantiating them from their
                # constructor arguments, so the text goes there too.
                declared[name]._kwargs["help_text"] = text
                declared[name].help_text = text
            elif meta is not None and (not isinstance(listed, list | tuple) or name in listed):
                extra[name] = {**extra.get(name, {}), "help_text": text}
            else:
                raise ValueError(f"{cls.__name__} has no field {name!r}")
        if meta is not None and extra:
            meta.extra_kwargs = extra
        return cls

    return apply

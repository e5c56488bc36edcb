"""Phone keys live in customers.phones (accounts, contacts and leads share them); this name
stays importable because migrations refer to `leads.phones.PhoneKey`."""

from customers.phones import PhoneKey, phone_key

__all__ = ["PhoneKey", "phone_key"]

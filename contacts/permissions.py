"""Who may do what with contacts, buyer roles, relationships and the decision process.

A contact is part of its account: who may change the account changes its contacts
(accounts.permissions.can_edit_account). Seeing them is the scope `visible_to` (404 outside).
"""

from accounts.permissions import can_edit_account


def can_edit_contacts(user, account):
    """Add or change the contacts, roles, relationships and decision steps of `account`."""
    return can_edit_account(user, account)


def can_edit_contact(user, contact):
    return can_edit_account(user, contact.account)

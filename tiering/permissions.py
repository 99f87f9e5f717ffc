"""Who may do what with tiers, their rules and the quarterly review (K-30..K-32)."""


def can_set_tier(user, account):
    """The account owner's supervisor sets a tier by hand; admins any."""
    return user.is_admin or user.supervises(account.owner)


def can_decide_proposal(user, proposal):
    """Whoever may set the account's tier decides a proposal for it."""
    return can_set_tier(user, proposal.account)


def can_define_tiers(user):
    """The tiers, their cadence and the rules that place accounts are data: admins change them."""
    return user.is_admin


def can_open_review(user):
    return user.is_admin

"""Helpers for the raw SQL of the set-based jobs and reports."""

import re


def literals(values):
    """A constant tuple of codes as an SQL list, ``('active', 'at_risk')``, so that raw SQL names
    the model's constant instead of repeating its values. Codes only: anything else is refused."""
    values = [str(value) for value in values]
    if not values or not all(re.fullmatch(r"\w+", value) for value in values):
        raise ValueError(f"not a tuple of codes: {values!r}")
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"

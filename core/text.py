"""Text as people in China type it: full-width digits and punctuation (１３８，＋８６) from a
Chinese input method are the same characters as their ASCII forms to a reader, so they are
stored as ASCII."""

import unicodedata


def narrow(value):
    """Full-width digits, Latin letters and punctuation to their ASCII forms (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()

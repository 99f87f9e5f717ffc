"""Text as people in China type it: full-width digits and punctuation (１３８，＋８６) from a
Chinese input method are the same characters as their ASCII forms to a reader, so they are
stored as ASCII."""

import unicodedata


def narrow(value):
    """Full-width digits, Latin letters and punctuation to their ASCII forms (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def in_reader_language(names, fallback=""):
    """The reader's entry of {"en": …, "zh-hans": …, "zh-hant": …}, else the English one, else `fallback`."""
    from django.utils.translation import get_language

    names = names or {}
    return names.get(get_language() or "en") or names.get("en") or fallback

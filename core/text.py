"""Text as people in China type it: full-width digits and punctuation (１３８，＋８６) from a
Chinese input method are the same characters as their ASCII forms to a reader, so they are
stored as ASCII."""

import functools
import unicodedata


def narrow(value):
    """Full-width digits, Latin letters and punctuation to their ASCII forms (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def in_reader_language(names, fallback=""):
    """The reader's entry of {"en": …, "zh-hans": …, "zh-hant": …}, else the English one, else `fallback`."""
    from django.utils.translation import get_language

    names = names or {}
    return names.get(get_language() or "en") or names.get("en") or fallback


# Simplified and Traditional Chinese (OpenCC): a Taiwan or Hong Kong team writes 東方電子 and 聯絡人
# where a mainland one writes 东方电子 and 联系人. Converters are built once per process.
_CONVERSIONS = ("t2s", "s2t", "s2twp", "s2hk")


@functools.cache
def _converter(config):
    import opencc

    return opencc.OpenCC(config)


def simplified(value):
    """The Simplified form: one key for a name written either way (東方電子 → 东方电子)."""
    return _converter("t2s").convert(value) if value else value


def chinese_variants(value):
    """The value as written, in Simplified, in Traditional, and in Taiwan's and Hong Kong's words
    (联系人 → 聯繫人, 聯絡人): every form a header or a name may come in."""
    if not value:
        return {value}
    return {value, *(_converter(config).convert(value) for config in _CONVERSIONS)}

"""Text the system writes for people, kept as a key with parameters and put into words when shown.

A job or a service that writes a sentence for people (a survey's follow-up issue, a task closed
by itself) stores it twice: the English words in the text column, for search and for old readers,
and the key with its parameters in the row's `written` column ({"purpose": {"key": …, "params": …}}).
The page, the export and the feed show it in the reader's language with `shown(row, "purpose")`.

Each app declares its sentences in `<app>/texts.py` with `register(...)`; core's AppConfig loads
every such module at start, so a row written by one app renders anywhere. A parameter is a plain
value, another written entry (`written(...)`), or names per language (`names({...})`).
"""

from django.utils import translation

from core.text import in_reader_language

TEXTS = {}


def register(**texts):
    """key → a lazy translation (`gettext_lazy("Satisfaction survey: %(score)s of 5")`)."""
    TEXTS.update(texts)


def written(key, **params):
    if key not in TEXTS:
        raise KeyError(f"no written text {key!r}: declare it in an app's texts.py")
    return {"key": key, "params": params}


def names(by_language):
    """A parameter given in each language ({"en": …, "zh-hans": …, "zh-hant": …})."""
    return {"names": dict(by_language)}


def label_names(label):
    """A lazy label (a choice's) as names in each language: `names()` of its every translation."""
    from django.conf import settings

    found = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found[language] = str(label)
    return names(found)


def render(entry, fallback=""):
    """The entry in the active language; `fallback` when there is none (typed text, older rows)."""
    if not isinstance(entry, dict) or entry.get("key") not in TEXTS:
        return fallback
    params = {name: _param(value) for name, value in (entry.get("params") or {}).items()}
    try:
        return str(TEXTS[entry["key"]]) % params
    except (KeyError, TypeError, ValueError):
        return fallback  # a translation that lost a placeholder must not break the page


def _param(value):
    if isinstance(value, dict) and "key" in value:
        return render(value)
    if isinstance(value, dict) and "names" in value:
        return in_reader_language(value["names"])
    return value


def in_english(entry):
    with translation.override("en"):
        return render(entry)


def shown(row, field):
    """The row's `field` as its reader reads it: the written entry if the system wrote it, else the text."""
    return render((getattr(row, "written", None) or {}).get(field), getattr(row, field))


class Written:
    """Model mixin: `row.shown.purpose` in templates (the row needs a `written` JSONField)."""

    @property
    def shown(self):
        return _Shown(self)


class _Shown:
    def __init__(self, row):
        self._row = row

    def __getattr__(self, field):
        if field.startswith("_"):
            raise AttributeError(field)
        return shown(self._row, field)

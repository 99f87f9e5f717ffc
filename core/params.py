"""Query strings are read in one place: a FilterSet for a list, a form for anything else.

Whatever arrives in a query string is a guess from a bookmark, an old link or a
hand: a value that does not parse is dropped (the page shows what it would show
without it) and the page says which filter it ignored, never a 500.

`reads_query` names, on a view, the FilterSets and forms that parse its query
string; the hostile walk (tests/test_query_walk.py) sends every one of their
parameters to the page with values meant to break it, so a parameter added to a
FilterSet or form is walked without anyone remembering to.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import export_format

# The largest page number a list accepts: far past any list we have, far below the
# 64-bit OFFSET PostgreSQL refuses.
MAX_PAGE = 1_000_000


def reads_query(*parsers):
    """Marks a view with the FilterSets and forms that parse its query string."""

    def mark(view):
        view.query_parsers = parsers
        return view

    return mark


def query_parsers(view):
    """What `reads_query` (or a class-based view's `filterset_class`/`query_parsers`) names."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        found = tuple(getattr(view_class, "query_parsers", ()))
        filterset = getattr(view_class, "filterset_class", None)
        return found + ((filterset,) if filterset else ())
    return tuple(getattr(view, "query_parsers", ()))


def parameter_names(parser):
    """The query parameters a FilterSet or a form reads."""
    if hasattr(parser, "base_filters"):
        return list(parser.base_filters)
    return list(parser.base_fields)


class QueryForm(forms.Form):
    """A form over `request.GET`: `values()` are the cleaned values, a bad one replaced by
    the field's `initial` (the page's default) instead of failing the page."""

    def values(self):
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        values = {}
        for name, field in self.fields.items():
            value = cleaned.get(name)
            bad_or_missing = name in self.errors or value in field.empty_values
            values[name] = field.initial if bad_or_missing else value
        return values


class PageForm(QueryForm):
    """`?page=` of a list paginated by hand (OFFSET): a page number within reason."""

    page = forms.IntegerField(label=gettext_lazy("Page"), min_value=1, max_value=MAX_PAGE, required=False, initial=1)


class NameSearchForm(PageForm):
    """`?q=` (part of a name) and `?page=` of a search-as-you-type picker."""

    q = forms.CharField(label=gettext_lazy("Search"), max_length=100, required=False, initial="", strip=True)


class TeamScopeForm(QueryForm):
    """`?team=` among the teams the user may see; another team's id is as bad as `abc`."""

    team = forms.ModelChoiceField(label=gettext_lazy("Team"), queryset=None, required=False,
                                  empty_label=gettext_lazy("All my teams"),
                                  widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


def note_ignored(request, form):
    """One visible note naming the filters whose values were ignored (none on a download)."""
    if not form.is_bound or form.is_valid() or export_format(request):
        return
    labels = sorted({str(form.fields[name].label or name) if name in form.fields else name
                     for name in form.errors if name != NON_FIELD_ERRORS})
    if labels:
        messages.warning(request, _("Ignored a value that is not valid for: %(filters)s.")
                         % {"filters": ", ".join(labels)})
    for error in form.non_field_errors():
        messages.warning(request, error)


def filter_list(request, filterset_class, queryset, **kwargs):
    """The FilterSet of a function-view list over `request.GET`, its bad values noted.

    Always bound, so a FilterSet's default (say, open issues only) applies on the bare URL
    too. Bad values are dropped rather than emptying the list (django-filter's "strict"
    mode), so a stale bookmark shows the rows it can."""
    filterset = filterset_class(request.GET, queryset=queryset, request=request, **kwargs)
    note_ignored(request, filterset.form)
    return filterset


class MonthField(forms.DateField):
    """`2026-05` as the first of that month; `2026-13` is not a month."""

    input_formats = ["%Y-%m"]


def parse_month(value):
    """`2026-05` as date(2026, 5, 1); None for anything else (`2026-13`, `abc`, missing)."""
    try:
        return MonthField(required=False).clean(value)
    except forms.ValidationError:
        return None


class MonthForm(QueryForm):
    """`?month=2026-05` of a page that shows one month."""

    month = MonthField(label=gettext_lazy("Month"), required=False)

    def month_among(self, months, default):
        """The chosen month if the page offers it, else `default`."""
        return next((m for m in months if m == self.values()["month"]), default)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (NumberFilter takes decimals); give it bounds, a column has them too."""

    field_class = forms.IntegerField


class CheckboxFilter(django_filters.BooleanFilter):
    """A ticked box (`?mine=1`, as the page's checkbox sends it) narrows the list with
    `narrow(filterset, queryset)`; unticked, the list stays whole."""

    def __init__(self, narrow, **kwargs):
        super().__init__(widget=forms.CheckboxInput, **kwargs)
        self.narrow = narrow

    def filter(self, queryset, value):
        return self.narrow(self.parent, queryset) if value else queryset


class LenientFilterMixin:
    """For a django-filter FilterView: a bad value is dropped and noted, not an empty list.

    `self.chosen` holds the filters that applied, for the page to show them."""

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.request.GET  # bound on the bare URL too, like `filter_list`
        return kwargs

    def get(self, request, *args, **kwargs):
        # FilterView.get, less its strict branch: built and validated once.
        self.filterset = self.get_filterset(self.get_filterset_class())
        note_ignored(request, self.filterset.form)
        self.chosen = getattr(self.filterset.form, "cleaned_data", {})
        self.object_list = self.filterset.qs
        return self.render_to_response(self.get_context_data(filter=self.filterset, object_list=self.object_list))

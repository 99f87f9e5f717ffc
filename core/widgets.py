"""Widgets all apps share."""

from django import forms


class ChosenOnlyMixin:
    """A choice among a set that grows with the company (every account, every person): the widget
    renders only the empty choice and what is chosen; the others are found by name elsewhere (a
    picker beside it, a name filter). What is posted is still validated against the field's whole
    queryset (one lookup by key), so an id typed by hand that the user may not choose is refused
    as with a plain select (issue 19)."""

    def optgroups(self, name, value, attrs=None):
        everything = self.choices
        chosen = [v for v in value if str(v).isdigit()]  # "abc" in the query string is nothing
        choices = [("", everything.field.empty_label)] if everything.field.empty_label is not None else []
        choices += [everything.choice(obj) for obj in everything.queryset.filter(pk__in=chosen)] if chosen else []
        self.choices = choices
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything


class ChosenOnlySelect(ChosenOnlyMixin, forms.Select):
    pass


class SearchMixin:
    """A search-as-you-type box (htmx) under the select: `options_url` answers `?q=` and `?page=`
    with `core/_search_options.html`, a page of choices, and app.js puts the one tapped into the
    select. The form costs the same with 100 or 100,000 choices."""

    template_name = "core/widgets/search_select.html"

    def __init__(self, options_url, attrs=None):
        super().__init__(attrs)
        self.options_url = options_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["options_url"] = str(self.options_url)
        return context


class SearchSelect(SearchMixin, ChosenOnlySelect):
    pass


class SearchSelectMultiple(SearchMixin, ChosenOnlyMixin, forms.SelectMultiple):
    """Several among many: the chosen stand selected in the list; deselect one to remove it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import AccessToken


class AccessTokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What will use it, e.g. ERP order sync."))
    scope = forms.ChoiceField(label=_("Access"), choices=AccessToken.Scope.choices, initial=AccessToken.Scope.READ,
                              widget=forms.RadioSelect,
                              help_text=_("Read only is enough for reports and dashboards; an ERP that sends "
                                          "orders needs read and write. Either way it sees only what you see."))

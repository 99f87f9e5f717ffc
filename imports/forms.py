from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from imports.kinds import IMPORTERS
from imports.models import ImportJob
from imports.parsing import ENCODINGS


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportJob.Kind.choices,
                             help_text=_("Import accounts first, then contacts, orders, visits and surveys, which "
                                         "refer to accounts by name."))
    file = forms.FileField(
        label=_("File"), help_text=_("CSV or Excel (.xlsx); the first row holds the column names."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,text/csv"}))
    encoding = forms.ChoiceField(label=_("Encoding of a CSV file"), choices=ENCODINGS, initial="auto",
                                 help_text=_("Chinese Excel saves CSV as GBK (Simplified) or Big5 (Traditional); "
                                             "detection usually gets it right."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(size)s MB; split it into smaller files.")
                                        % {"size": settings.IMPORT_MAX_BYTES // 2**20})
        return upload


class EncodingForm(forms.Form):
    encoding = forms.ChoiceField(label=_("Read the file as"), choices=ENCODINGS)


class MappingForm(forms.Form):
    """One choice per column we understand: which of the file's columns feeds it."""

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", _("— not in the file —"))] + [(str(i), header or f"#{i + 1}")
                                                       for i, header in enumerate(job.headers)]
        for column in IMPORTERS[job.kind].columns:
            position = job.mapping.get(column.key)
            self.fields[column.key] = forms.TypedChoiceField(
                label=column.label, choices=options, required=False, coerce=int, empty_value=None,
                help_text=column.help, initial="" if position is None else str(position))
            self.fields[column.key].is_required_column = column.required

    def mapping(self):
        return {key: value for key, value in self.cleaned_data.items()}

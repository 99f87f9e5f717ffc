from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from attachments.services import check_upload

MAX_FILES = 10
ACCEPT = "image/jpeg,image/png,image/webp,image/gif,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class AttachmentForm(forms.Form):
    """The photos and files of one sending: a photo taken now (`photos`, the camera on a phone)
    and files picked from the device (`files`); either may be empty, not both."""

    photos = MultipleFileField(
        label=_("Take a photo"), required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment", "class": "js-downscale"}),
    )
    files = MultipleFileField(
        label=_("Choose photos or files"), required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True, "class": "js-downscale"}),
        help_text=_("JPEG, PNG, WebP or GIF photos and PDF documents. Photos are made smaller on your phone "
                    "before they are sent."),
    )

    def _checked(self, name):
        errors = []
        for upload in self.cleaned_data.get(name, []):
            try:
                check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return self.cleaned_data[name]

    def clean_photos(self):
        return self._checked("photos")

    def clean_files(self):
        return self._checked("files")

    def clean(self):
        data = super().clean()
        uploads = [*data.get("photos", []), *data.get("files", [])]
        if not uploads and not self.errors:
            self.add_error("files", _("Take a photo or choose a file first."))
        elif len(uploads) > MAX_FILES:
            self.add_error("files", _("At most %(n)s files at a time.") % {"n": MAX_FILES})
        data["uploads"] = uploads
        return data

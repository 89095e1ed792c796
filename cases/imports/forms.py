from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..models import ImportKind


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the file holds.")},
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("The first row names the columns; see the format in the guide."),
        error_messages={
            "required": _("Choose a file to import."),
            "empty": _("The file is empty."),
            "invalid": _("Choose a file to import."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload

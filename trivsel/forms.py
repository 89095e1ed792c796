from django import forms


class DesignSystemForm(forms.Form):
    """Gives every widget the DKFDS class it needs, so templates stay one generic field loop."""

    widget_classes = {
        forms.Select: "form-select",
        forms.SelectMultiple: "form-select",
        forms.Textarea: "form-input",
        forms.TextInput: "form-input",
        forms.EmailInput: "form-input",
        forms.PasswordInput: "form-input",
        forms.NumberInput: "form-input",
        forms.DateInput: "form-input",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            css = next(
                (c for kind, c in self.widget_classes.items() if isinstance(widget, kind)), None
            )
            if css and css not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

from __future__ import annotations

from django import forms

from .errors import ServiceError


class BootstrapMixin:
    """Adds Bootstrap classes to every widget and marks fields with errors."""

    def _style(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            errors = getattr(self, "_errors", None) or {}  # never trigger validation from here
            if name in errors:
                css += " is-invalid"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:  # type: ignore[override]
        super().full_clean()  # type: ignore[misc]
        self._style()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            # Django's blank choice "---------" reads as an error to our users: say 请选择.
            if isinstance(field, forms.ModelChoiceField) and field.empty_label == "---------":
                field.empty_label = "请选择"
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                field.choices = [(v, "请选择" if v == "" and label == "---------" else label) for v, label in field.choices]
        self._style()

    def add_service_error(self, exc: ServiceError) -> None:
        field = exc.field if exc.field in self.fields else None  # type: ignore[attr-defined]
        self.add_error(field, exc.message)  # type: ignore[attr-defined]
        current = getattr(exc, "current", None)  # a stale edit: shown again, the form carries the stored version
        if current is not None and "version" in self.fields and self.is_bound:  # type: ignore[attr-defined]
            self.data = self.data.copy()  # type: ignore[attr-defined]
            self.data[self.add_prefix("version")] = str(current)  # type: ignore[attr-defined]
        self._style()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")

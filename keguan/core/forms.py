from __future__ import annotations

from decimal import Decimal

from django import forms

from .errors import ServiceError


class BootstrapMixin:
    """Adds Bootstrap classes to every widget and marks fields with errors."""

    def _style(self) -> None:
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):  # (CheckboxSelectMultiple is a RadioSelect)
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


WAN = 10_000  # 1 万元 = 10,000 元


def wan_field(label: str, *, signed: bool = False, required: bool = False) -> forms.DecimalField:
    """A money field in 万元, as on the forms bureaus and firms fill in. Six decimals keep every stored amount
    (kept in 元 with two decimals) exact when it is shown again."""
    return forms.DecimalField(
        label=f"{label}（万元）",
        required=required,
        max_digits=30,  # the forms check their own limits, with a message naming the unit
        decimal_places=6,
        min_value=None if signed else 0,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={"max_decimal_places": "金额以万元为单位，最多保留 6 位小数（精确到分）"},
    )


def yuan_from_wan(value):
    """万元 → 元 (two decimals)."""
    return None if value is None else (Decimal(value) * WAN).quantize(Decimal("0.01"))


def wan_from_yuan(value):
    """元 → 万元 for a form's initial value: two decimals unless more are needed to be exact."""
    if value is None:
        return None
    wan = Decimal(value) / WAN
    two = wan.quantize(Decimal("0.01"))
    return two if two == wan else wan.normalize()

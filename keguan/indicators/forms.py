from __future__ import annotations

from django import forms
from django.utils import timezone

from keguan.core.forms import BootstrapMixin
from keguan.rules.periods import Period


def default_period_key() -> str:
    """Year to date through the last complete month (in January: the whole previous year)."""
    today = timezone.localdate()
    if today.month == 1:
        return str(today.year - 1)
    return Period(today.year, 1, today.month - 1, "YTD").key


def period_choices(years: int = 4) -> list[tuple[str, list[tuple[str, str]]]]:
    today = timezone.localdate()
    out = []
    for year in range(today.year, today.year - years, -1):
        keys = [str(year), f"{year}H2", f"{year}H1", f"{year}Q4", f"{year}Q3", f"{year}Q2", f"{year}Q1"]
        keys += [f"{year}YTD{m:02d}" for m in range(11, 1, -1) if m not in (3, 6)]
        group = []
        for key in keys:
            p = Period.parse(key)
            if p.start <= today:
                group.append((p.key, p.label))
        out.append((f"{year}年", group))
    return out


class PeriodForm(BootstrapMixin, forms.Form):
    period = forms.ChoiceField(label="期间", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices()
        self.fields["period"].initial = default_period_key()

    def get_period(self) -> Period:
        key = self.cleaned_data.get("period") if self.is_bound and self.is_valid() else None
        return Period.parse(key or default_period_key())


class TargetYearForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class TargetUploadForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    file = forms.FileField(label="目标表（.xlsx）")

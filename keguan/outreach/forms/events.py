"""Forms of 科技活动: the list's filters (the calendar and the export read the same), the event form (the event,
its materials by kind and the firms taking part, one row each), the photo upload."""

from __future__ import annotations

import datetime as dt

from django import forms

from keguan.core import dictionary
from keguan.core.forms import BootstrapMixin, DateInput
from keguan.core.images import MAX_BYTES, MAX_PHOTOS
from keguan.core.lists import filter_summary
from keguan.core.versioning import VersionField
from keguan.regions.models import Region

from ..models import EventRole, FirmRole, MaterialKind
from ..selectors.events import EventFilters, month_range
from ..services.events import MAX_COUNT, EventData, FirmEntry

IMAGE_TYPES = "image/jpeg,image/png,image/webp"
FIRM_SLOTS = 5  # empty firm rows offered on a new form (and 2 more below an event's firms)
MAX_SLOTS = 200


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos under one name; the service checks each file's content."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": IMAGE_TYPES}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def _month(value: str) -> tuple[int, int] | None:
    try:
        year, month = (int(x) for x in value.split("-"))
        dt.date(year, month, 1)
    except (ValueError, TypeError):
        return None
    return year, month


class EventFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="活动类型", required=False)
    role = forms.ChoiceField(label="本局角色", required=False, choices=[("", "全部"), *EventRole.choices])
    month = forms.CharField(label="月份", required=False, max_length=7,
                            widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-05"}))
    since = forms.DateField(label="开始日期自", required=False, widget=DateInput())
    until = forms.DateField(label="至", required=False, widget=DateInput())
    district = forms.ModelChoiceField(label="区县", required=False, queryset=Region.objects.none(),
                                      empty_label="全部区县")
    township = forms.ModelChoiceField(label="乡镇/街道", required=False, queryset=Region.objects.none(),
                                      empty_label="全部乡镇/街道")
    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "活动名称、地点、主办单位"}))
    enterprise = forms.IntegerField(label="企业", required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, districts=None, townships=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部类型"), *dictionary.choices("event_kind")]
        if districts is None:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts
            self.fields["district"].label_from_instance = lambda r: r.name
        if townships is None:
            del self.fields["township"]
        else:
            self.fields["township"].queryset = townships
            self.fields["township"].label_from_instance = lambda r: r.name

    def clean_month(self) -> str:
        value = (self.cleaned_data.get("month") or "").strip()
        if value and _month(value) is None:
            raise forms.ValidationError("月份格式应为“2025-05”")
        return value

    def clean(self):
        d = super().clean()
        if d.get("since") and d.get("until") and d["until"] < d["since"]:
            self.add_error("until", "结束日期不能早于开始日期")
        return d

    def filters(self) -> EventFilters:
        if not self.is_bound:
            return EventFilters()
        if not self.is_valid():
            return EventFilters(invalid=True)
        d = self.cleaned_data
        since, until = d.get("since"), d.get("until")
        if d.get("month"):
            first, last = month_range(*_month(d["month"]))
            since, until = max(since or first, first), min(until or last, last)
        return EventFilters(
            kind=d.get("kind") or "", role=d.get("role") or "", since=since, until=until,
            district=d["district"].pk if d.get("district") else None,
            township=d["township"].pk if d.get("township") else None,
            q=(d.get("q") or "").strip(), enterprise=d.get("enterprise"))

    def note(self) -> str:
        """The conditions in words (the page, the export's 说明, the print header)."""
        return filter_summary(self, none="", invalid="")


def _count(label: str, **kw) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=MAX_COUNT,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                              error_messages={"max_value": f"数量不能超过{MAX_COUNT}", "min_value": "数量不能为负数",
                                              "invalid": "请填写整数"}, **kw)


class EventForm(BootstrapMixin, forms.Form):
    """The event; its materials (``material_<kind>``) and its firm rows (``firm_<i>``, ``firm_role_<i>``,
    ``firm_outcome_<i>``); photos on a new event."""

    kind = forms.ChoiceField(label="活动类型", error_messages={"required": "请选择活动类型"})
    role = forms.ChoiceField(label="本局角色", choices=EventRole.choices, initial=EventRole.HOST,
                             help_text="他人主办、本局组织企业参加的（如省里的路演），选“组织参加”")
    title = forms.CharField(label="活动名称", max_length=150, error_messages={"required": "请填写活动名称"})
    theme = forms.CharField(label="主题", max_length=150, required=False)
    starts_on = forms.DateField(label="开始日期", widget=DateInput(), error_messages={"required": "请填写开始日期",
                                                                                 "invalid": "日期格式应为2025-05-20"})
    ends_on = forms.DateField(label="结束日期", required=False, widget=DateInput(), help_text="一天的活动可不填",
                              error_messages={"invalid": "日期格式应为2025-05-20"})
    township = forms.ModelChoiceField(label="乡镇/街道", required=False, queryset=Region.objects.none(),
                                      empty_label="不限（全区）", help_text="在某个乡镇/街道举办的（如科技下乡）")
    place = forms.CharField(label="地点", max_length=150, required=False)
    organisers = forms.CharField(label="主办单位", max_length=300, required=False)
    co_organisers = forms.CharField(label="承办/协办单位", max_length=300, required=False,
                                    help_text="高校、协会、企业等，用顿号分隔")
    participants = _count("参与人数（人次）")
    trainees = _count("培训人数（人次）")
    questions = _count("解答咨询（个）")
    write_up = forms.CharField(label="活动简述", max_length=3000, required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultipleFileField(label="活动照片（可选）",
                               help_text=f"JPG、PNG、WebP 图片，每张不超过{MAX_BYTES // 1048576}MB，最多{MAX_PHOTOS}张")
    version = VersionField()

    def __init__(self, *args, townships, event=None, **kwargs) -> None:
        initial = kwargs.setdefault("initial", {})
        firms = []
        if event is not None:
            initial.update({f: getattr(event, f) for f in ("kind", "role", "title", "theme", "starts_on", "ends_on",
                                                           "place", "organisers", "co_organisers", "participants",
                                                           "trainees", "questions", "write_up", "version")})
            initial["township"] = event.township_id
            for m in event.materials.all():
                initial[f"material_{m.kind}"] = m.count
            firms = list(event.firms.select_related("enterprise").order_by("id"))
            for i, f in enumerate(firms):
                initial.update({f"firm_{i}": f.enterprise.name, f"firm_role_{i}": f.role,
                                f"firm_outcome_{i}": f.outcome})
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *dictionary.choices("event_kind",
                                                                       [event.kind] if event else [])]
        self.fields["township"].queryset = townships
        self.fields["township"].label_from_instance = lambda r: r.name
        if event is not None:
            del self.fields["photos"]  # (an event's photos are added and removed on its page)
        for kind, label in MaterialKind.choices:
            self.fields[f"material_{kind}"] = _count(label)
        posted = [k for k in (self.data or {}) if k.startswith("firm_") and k[5:].isdigit()]
        highest = max((int(k[5:]) for k in posted), default=-1)
        self.slots = min(MAX_SLOTS, max(FIRM_SLOTS, len(firms) + 2, highest + 1))
        for i in range(self.slots):
            self.fields[f"firm_{i}"] = forms.CharField(label="企业名称或统一社会信用代码", max_length=120, required=False,
                                                       widget=forms.TextInput(attrs={"list": "firm-options",
                                                                                     "data-firm-search": ""}))
            self.fields[f"firm_role_{i}"] = forms.ChoiceField(label="参与方式", choices=FirmRole.choices,
                                                              required=False, initial=FirmRole.ATTEND)
            self.fields[f"firm_outcome_{i}"] = forms.CharField(label="成效", max_length=200, required=False,
                                                               widget=forms.TextInput(attrs={"placeholder": "如：达成合作意向1项"}))
        self._style()

    def clean(self):
        d = super().clean()
        if d.get("starts_on") and d.get("ends_on") and d["ends_on"] < d["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期")
        return d

    @property
    def material_fields(self):
        return [self[f"material_{k}"] for k in MaterialKind.values]

    @property
    def firm_rows(self):
        return [(i, self[f"firm_{i}"], self[f"firm_role_{i}"], self[f"firm_outcome_{i}"]) for i in range(self.slots)]

    def data_(self) -> EventData:
        d = self.cleaned_data
        return EventData(
            kind=d["kind"], role=d["role"], title=d["title"], theme=d.get("theme") or "", starts_on=d["starts_on"],
            ends_on=d.get("ends_on"), township=d.get("township"), place=d.get("place") or "",
            organisers=d.get("organisers") or "", co_organisers=d.get("co_organisers") or "",
            participants=d.get("participants") or 0, trainees=d.get("trainees") or 0,
            questions=d.get("questions") or 0, write_up=d.get("write_up") or "")

    def materials(self) -> dict[str, int | None]:
        return {k: self.cleaned_data.get(f"material_{k}") for k in MaterialKind.values}

    def firms(self) -> list[FirmEntry]:
        d = self.cleaned_data
        return [FirmEntry(d.get(f"firm_{i}") or "", d.get(f"firm_role_{i}") or FirmRole.ATTEND,
                          d.get(f"firm_outcome_{i}") or "", slot=f"firm_{i}")
                for i in range(self.slots) if (d.get(f"firm_{i}") or "").strip()]


class PhotoForm(BootstrapMixin, forms.Form):
    photos = MultipleFileField(label="添加照片",
                               help_text=f"JPG、PNG、WebP 图片，每张不超过{MAX_BYTES // 1048576}MB，每个活动最多{MAX_PHOTOS}张")
    caption = forms.CharField(label="照片说明", max_length=100, required=False)

"""Forms of service logs: the phone form a commissioner fills in, the same form with a commissioner to choose
for staff entering a reported service on its behalf (代为登记), the staff list's filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.urls import reverse
from django.utils import timezone

from keguan.core.forms import BootstrapMixin, DateInput
from keguan.core.images import MAX_BYTES, MAX_PHOTOS
from keguan.core.lists import RangeNoteMixin, hidden_date
from keguan.core.versioning import VersionField
from keguan.regions.models import Region

from ..models import Commissioner, ServiceKind
from ..selectors.logs import Places

IMAGE_TYPES = "image/jpeg,image/png,image/webp"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service checks each file's content."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": IMAGE_TYPES}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


def place_choices(places: Places) -> list:
    out: list = [("", "请选择")]
    if places.assigned_villages:
        out.append(("结对服务的村/社区", [(f"v:{v.pk}", f"{v.name}（{v.parent.name}）") for v in places.assigned_villages]))
    if places.assigned_enterprises:
        out.append(("结对服务的企业", [(f"e:{e.pk}", e.name) for e in places.assigned_enterprises]))
    for town, villages in places.by_township:
        out.append((f"{town.name}（本区其他村/社区）", [(f"v:{v.pk}", v.name) for v in villages]))
    return out


class LogForm(BootstrapMixin, forms.Form):
    served_on = forms.DateField(label="服务日期", widget=DateInput())
    place = forms.ChoiceField(label="服务地点（村/社区或企业）", required=False,
                              help_text="结对的村/社区和企业排在最前；也可选本区其他村/社区")
    enterprise_text = forms.CharField(label="其他企业", max_length=100, required=False,
                                      widget=forms.TextInput(attrs={"placeholder": "统一社会信用代码或企业全称"}),
                                      help_text="服务的是未结对的本区企业时填写，填写后以此为准")
    kind = forms.ChoiceField(label="服务方式", choices=[("", "请选择"), *ServiceKind.choices])
    content = forms.CharField(label="服务内容", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4, "placeholder": "做了什么、解决了什么问题"}))
    served = forms.IntegerField(label="服务人数", min_value=0, max_value=100_000, initial=0,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                                help_text="培训授课填参训人次（培训土专家、田秀才）")
    introduced = forms.IntegerField(label="引进新品种/新技术（个）", min_value=0, max_value=1000, initial=0,
                                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    photos = MultipleFileField(label="现场照片（可选）",
                               help_text=f"JPEG、PNG、WebP 图片，每张不超过{MAX_BYTES // 1048576}MB，最多{MAX_PHOTOS}张；"
                                         "上传后自动压缩，并去除拍摄位置等信息")
    version = VersionField()

    def __init__(self, *args, places: Places, photos=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["served_on"].initial = today
        self.fields["served_on"].widget.attrs["max"] = today.isoformat()
        self.fields["place"].choices = place_choices(places)
        self.existing = list(photos)
        if self.existing:
            self.fields["remove_photos"] = forms.MultipleChoiceField(
                label="删除照片", required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(str(p.pk), f"照片{i}") for i, p in enumerate(self.existing, 1)])
        for name in ("served", "introduced"):
            self.fields[name].error_messages.update({"invalid": "请填写整数", "min_value": "不能为负数"})
        self.fields["served_on"].error_messages["invalid"] = "请填写正确的日期"

    def clean_served_on(self) -> dt.date:
        value = self.cleaned_data["served_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("服务日期不能晚于今天")
        return value

    def clean(self):
        data = super().clean()
        if not data.get("place") and not (data.get("enterprise_text") or "").strip():
            self.add_error("place", "请选择服务的村/社区或企业，或在“其他企业”中填写")
        elif data.get("place") and data["place"][:2] not in ("v:", "e:"):
            self.add_error("place", "请从列表中选择")
        return data

    def place_ids(self) -> tuple[int | None, int | None]:
        """(village id, enterprise id) chosen in the list; the other enterprise is looked up by the view."""
        value = self.cleaned_data.get("place") or ""
        try:
            number = int(value[2:])
        except ValueError:
            return None, None
        return (number, None) if value.startswith("v:") else (None, number)


def _commissioner_label(c: Commissioner, *, districts: bool) -> str:
    extra = "、".join(x for x in (c.district.name if districts else "", c.employer) if x)
    return f"{c.name}（{extra}）" if extra else c.name


class EnterLogForm(LogForm):
    """代为登记: the commissioner's form with the commissioner to enter it for — only those of the clerk's
    scope, the ones in service first; the places offered are the chosen commissioner's."""

    commissioner = forms.TypedChoiceField(label="科技特派员", coerce=int, empty_value=None,
                                          help_text="代哪位特派员登记；服务地点按所选特派员的结对列出")

    def __init__(self, *args, active: list[Commissioner], others: list[Commissioner], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        districts = len({c.district_id for c in (*active, *others)}) > 1
        choices: list = [("", "请选择特派员")]
        for label, group in (("在服务期内", active), ("服务期已结束或未开始", others)):
            if group:
                choices.append((label, [(c.pk, _commissioner_label(c, districts=districts)) for c in group]))
        field = self.fields["commissioner"]
        field.choices = choices
        field.error_messages.update({"required": "请选择科技特派员",
                                     "invalid_choice": "所选特派员不在您管辖的名册中，请从列表中选择"})
        field.widget.attrs.update({  # the places follow the chosen commissioner (the page's place field, reloaded)
            "data-testid": "log-commissioner", "hx-get": reverse("fieldwork:log_enter"), "hx-trigger": "change",
            "hx-target": "#place-block", "hx-select": "#place-block", "hx-swap": "outerHTML"})
        self.order_fields(["commissioner"])
        if not self.fields["place"].choices[1:]:
            self.fields["place"].help_text = "请先选择特派员，再选择服务地点"


def _month(value: str) -> dt.date | None:
    try:
        year, month = (int(x) for x in value.split("-")[:2])
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        return None


class LogFilterForm(RangeNoteMixin, BootstrapMixin, forms.Form):
    district = forms.ModelChoiceField(label="区县", queryset=Region.objects.none(), required=False,
                                      empty_label="全部区县")
    township = forms.ModelChoiceField(label="乡镇/街道", queryset=Region.objects.none(), required=False,
                                      empty_label="全部乡镇/街道")
    commissioner = forms.ModelChoiceField(label="科技特派员", queryset=Commissioner.objects.none(), required=False,
                                          empty_label="全部特派员")
    village = forms.CharField(label="村/社区", max_length=64, required=False,
                              widget=forms.TextInput(attrs={"placeholder": "名称或12位代码"}))
    month = forms.CharField(label="月份", max_length=7, required=False,
                            widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"}))
    kind = forms.ChoiceField(label="服务方式", required=False, choices=[("", "全部方式"), *ServiceKind.choices])
    since = hidden_date("服务日期自")
    until = hidden_date("服务日期至")
    introduced = forms.BooleanField(label="引进新品种/新技术的", required=False, widget=forms.HiddenInput)
    ranges = (("since", "until", "服务日期"),)

    def link_note(self) -> str:
        note = super().link_note()
        if self.is_bound and self.is_valid() and self.cleaned_data.get("introduced"):
            note = "；".join(x for x in (note, "引进了新品种/新技术的服务") if x)
        return note

    def __init__(self, *args, districts, townships, commissioners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["township"].queryset = townships
        self.fields["commissioner"].queryset = commissioners
        for name in ("district", "township"):
            self.fields[name].label_from_instance = lambda r: r.name
        for name, qs in (("district", districts), ("township", townships)):
            if qs.count() < 2:  # one to choose among: nothing to filter by
                del self.fields[name]

    def clean_month(self) -> dt.date | None:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        month = _month(value)
        if month is None:
            raise forms.ValidationError("月份应写作 2025-03")
        return month

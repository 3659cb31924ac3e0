"""Forms of 服务需求: posting one (a township liaison for its villages, a firm for itself, staff on behalf),
dispatching, completing, cancelling, the requester's feedback, the list's filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from keguan.core import dictionary
from keguan.core.forms import BootstrapMixin, DateInput
from keguan.core.lists import RangeNoteMixin, hidden_date
from keguan.core.versioning import VersionField
from keguan.regions.models import Region

from ..models import Commissioner, DemandStatus, Satisfaction, ServiceLog


class DemandForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label="需求标题", max_length=100,
                            widget=forms.TextInput(attrs={"placeholder": "如：芒果炭疽病防治技术指导"}))
    description = forms.CharField(label="需求描述", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    field = forms.ChoiceField(label="所需领域", required=False)
    village = forms.ModelChoiceField(label="提出需求的村/社区", queryset=Region.objects.none(), required=False)
    enterprise_text = forms.CharField(label="或：提出需求的企业", max_length=100, required=False,
                                      widget=forms.TextInput(attrs={"placeholder": "统一社会信用代码或企业全称"}))
    contact = forms.CharField(label="联系人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    posted_on = forms.DateField(label="提出日期", widget=DateInput())

    def __init__(self, *args, villages, firm=None, staff: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["posted_on"].initial = today
        self.fields["posted_on"].widget.attrs["max"] = today.isoformat()
        self.fields["field"].choices = [("", "不限"), *dictionary.choices("service_field")]
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: f"{v.name}（{v.parent.name}）" if v.parent_id else v.name
        self.fields["village"].empty_label = "请选择"
        self.firm = firm
        if firm is not None:  # an enterprise posts for itself only
            del self.fields["village"], self.fields["enterprise_text"]
        elif not staff:
            del self.fields["enterprise_text"]
            self.fields["village"].required = True

    def clean_posted_on(self) -> dt.date:
        value = self.cleaned_data["posted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("提出日期不能晚于今天")
        return value

    def clean(self):
        data = super().clean()
        if "enterprise_text" in self.fields:
            text = (data.get("enterprise_text") or "").strip()
            if data.get("village") and text:
                self.add_error("enterprise_text", "村/社区和企业只能选一个")
            elif not data.get("village") and not text and "village" not in self.errors:
                self.add_error("village", "请选择村/社区，或填写企业")
        return data


class DispatchForm(BootstrapMixin, forms.Form):
    commissioner = forms.ModelChoiceField(label="派给", queryset=Commissioner.objects.none(), empty_label="请选择特派员")
    version = VersionField()

    def __init__(self, *args, commissioners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners
        self.fields["commissioner"].error_messages["invalid_choice"] = "所选特派员不在可派范围内（须为本区县在服务期内的特派员）"


class CompleteForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DateInput())
    log = forms.ModelChoiceField(label="对应的服务日志（可选）", queryset=ServiceLog.objects.none(), required=False,
                                 empty_label="不关联")

    def __init__(self, *args, logs, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["done_on"].initial = today
        self.fields["done_on"].widget.attrs["max"] = today.isoformat()
        self.fields["log"].queryset = logs
        self.fields["log"].label_from_instance = (
            lambda lg: f"{lg.served_on:%m-%d} {lg.get_kind_display()} {lg.village or lg.enterprise}")


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200, widget=forms.TextInput(attrs={"placeholder": "如：需求方已自行解决"}))


class DeclineForm(BootstrapMixin, forms.Form):
    """退回派单: a reason of the bureau's list, and words (required for “其他”; checked by the service's rule)."""

    reason = forms.ChoiceField(label="退回原因", widget=forms.RadioSelect,
                               error_messages={"required": "请选择退回原因", "invalid_choice": "所选退回原因不可用，请重新选择"})
    note = forms.CharField(label="说明", max_length=200, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "选“其他”时必填，如：本月在外地培训"}),
                           error_messages={"max_length": "说明最多200字"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = dictionary.choices("demand_decline_reason")


class FeedbackForm(BootstrapMixin, forms.Form):
    satisfaction = forms.ChoiceField(label="满意度", choices=Satisfaction.choices, widget=forms.RadioSelect)
    feedback = forms.CharField(label="评价", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


STATUS_FILTERS = [("", "全部状态"), ("open", "未完成（待派单、已派、服务中）"), *DemandStatus.choices,
                  ("returned", "特派员退回、待重新派单")]


class DemandFilterForm(RangeNoteMixin, BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", max_length=50, required=False,
                        widget=forms.TextInput(attrs={"placeholder": "标题或描述"}))
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_FILTERS)
    township = forms.ModelChoiceField(label="乡镇/街道", queryset=Region.objects.none(), required=False,
                                      empty_label="全部乡镇/街道")
    feedback = forms.ChoiceField(label="评价", required=False, choices=[("", "全部"), ("missing", "已完成待评价")])
    done_since = hidden_date("完成日期自")
    done_until = hidden_date("完成日期至")
    ranges = (("done_since", "done_until", "完成日期"),)

    def __init__(self, *args, townships, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["township"].label_from_instance = lambda r: r.name
        if townships.count() < 2:
            del self.fields["township"]

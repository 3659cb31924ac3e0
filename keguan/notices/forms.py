from __future__ import annotations

from django import forms

from keguan.core.forms import BootstrapMixin
from keguan.core.versioning import VersionField
from keguan.regions.models import Region

from .models import AUDIENCE_GROUPS, Notice


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png,.zip"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class NoticeForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=120, error_messages={"required": "请填写标题"})
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 12}), max_length=20000,
                           help_text="纯文本，空一行即分段", error_messages={"required": "请填写正文"})
    groups = forms.MultipleChoiceField(label="发送对象", widget=forms.CheckboxSelectMultiple,
                                       choices=[(k, v[0]) for k, v in AUDIENCE_GROUPS.items()],
                                       error_messages={"required": "请至少选择一类发送对象"})
    regions = forms.ModelMultipleChoiceField(label="发送范围", queryset=Region.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text="不选即发送到本单位管辖的全部区域")
    pinned = forms.BooleanField(label="置顶", required=False)
    files = MultipleFileField(label="附件", help_text="最多5个，每个不超过20MB；PDF、Word、Excel、jpg、png 或 zip")
    version = VersionField()

    def __init__(self, *args, region: Region, notice: Notice | None = None, **kwargs):
        if notice is not None and not kwargs.get("data") and not (args and args[0]):
            kwargs["initial"] = {"title": notice.title, "body": notice.body, "groups": notice.groups,
                                 "regions": [r for r in notice.regions.all() if r.pk != notice.region_id],
                                 "pinned": notice.pinned, "version": notice.version}
        super().__init__(*args, **kwargs)
        # the regions a bureau may address: the districts of a city, the townships of a district
        self.fields["regions"].queryset = Region.objects.filter(parent=region).order_by("code")
        self.fields["regions"].label_from_instance = lambda r: r.name
        self.notice = notice
        self._style()

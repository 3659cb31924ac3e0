from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from keguan.core.forms import BootstrapMixin, DateInput
from keguan.core.scope import scoped
from keguan.regions.models import Region, RegionLevel

from . import throttle
from .models import MANAGEABLE_ROLES, OpAction, Role, User


class LoginForm(BootstrapMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误，请重新输入（注意区分大小写）",
        "inactive": "该账号已停用，请联系本单位管理员",
    }

    def get_invalid_login_error(self):
        # ModelBackend refuses a disabled account before confirm_login_allowed() is reached, so the "inactive"
        # message would never show; give it when the password is right (a wrong one still gets invalid_login).
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if getattr(self.request, "axes_locked_out", False):  # locked (axes): say so, and check no password
            return forms.ValidationError(throttle.locked_message(self.request, username), code="locked")
        user = User.objects.filter(username=username, is_active=False).first() if username else None
        if user is not None and password and user.check_password(password):
            return forms.ValidationError(self.error_messages["inactive"], code="inactive")
        return super().get_invalid_login_error()


class KeguanPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    pass


class RegionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        indent = "　" * max(0, obj.level - 2)
        return f"{indent}{obj.name}（{obj.get_level_display()}）"


class EnterpriseField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.credit_code}）"


class UserCreateForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(
        label="用户名", max_length=150, regex=r"^[A-Za-z0-9_.@-]+$",
        error_messages={"invalid": "用户名只能包含字母、数字和 _ . @ -"},
    )
    full_name = forms.CharField(label="姓名", max_length=32)
    role = forms.ChoiceField(label="角色")
    region = RegionField(label="所属区划", queryset=Region.objects.none())
    enterprise = EnterpriseField(label="所属企业（企业用户必填）", queryset=User._meta.get_field("enterprise").related_model.objects.none(), required=False)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=8,
                               help_text="至少8位，不能全为数字；用户首次登录后请修改")

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roles = Role.values if actor.is_superuser else MANAGEABLE_ROLES.get(actor.role, ())
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
        if actor.region is not None:
            regions = regions.filter(path__startswith=actor.region.path)
        self.fields["region"].queryset = regions.order_by("code")
        if actor.region is not None:
            self.fields["region"].initial = actor.region.pk
        self.fields["enterprise"].queryset = scoped(User._meta.get_field("enterprise").related_model, actor).order_by("name")
        self.fields["enterprise"].widget.attrs["data-searchable"] = "1"


class UserFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, widget=forms.TextInput(attrs={"placeholder": "用户名、姓名或手机号"}))
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *Role.choices])
    active = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), ("1", "正常"), ("0", "已停用")])


class PasswordResetByAdminForm(BootstrapMixin, forms.Form):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput, min_length=8)


class OrganisationForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="机构类型")
    name = forms.CharField(label="机构名称", max_length=128)
    region = RegionField(label="所在区划", queryset=Region.objects.none())
    credit_code = forms.CharField(label="统一社会信用代码", max_length=24, required=False)

    def __init__(self, *args, actor, **kwargs) -> None:
        from .models import OrganisationKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, v) for k, v in OrganisationKind.choices if k != OrganisationKind.BUREAU]
        regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
        if actor.region is not None:
            regions = regions.filter(path__startswith=actor.region.path)
            self.fields["region"].initial = actor.region.pk
        self.fields["region"].queryset = regions.order_by("code")


class OperationLogFilterForm(BootstrapMixin, forms.Form):
    """The 操作日志's search: operator, dates, area, record type, action and a text in the record or summary."""

    who = forms.CharField(label="操作人", required=False, widget=forms.TextInput(attrs={"placeholder": "姓名或用户名"}))
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput,
                                error_messages={"invalid": "请填写正确的日期，如 2025-03-01"})
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput,
                              error_messages={"invalid": "请填写正确的日期，如 2025-03-31"})
    area = forms.ChoiceField(label="业务领域", required=False)
    model = forms.ChoiceField(label="记录类型", required=False)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部操作"), *OpAction.choices])
    q = forms.CharField(label="关键词", required=False, widget=forms.TextInput(attrs={"placeholder": "记录名称或内容"}))

    def __init__(self, *args, areas=(), models=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "全部领域"), *areas]
        self.fields["model"].choices = [("", "全部类型"), *models]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "截止日期不能早于起始日期")
        return data


class DictItemForm(BootstrapMixin, forms.Form):
    """One item of an editable 数据字典 list (new, or the one being edited)."""

    code = forms.CharField(label="代码", max_length=32, help_text="字母、数字、下划线；已被记录使用的项不能改代码")
    label = forms.CharField(label="名称", max_length=64)
    order = forms.IntegerField(label="排序", required=False, min_value=0, max_value=99999,
                               help_text="数字小的排在前面；不填排在最后",
                               error_messages={"invalid": "排序请填写整数", "min_value": "排序不能小于0"})
    enabled = forms.BooleanField(label="启用（表单中可选）", required=False, initial=True)

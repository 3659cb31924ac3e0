"""创新平台与人才: innovation platforms (工程技术研究中心, 重点实验室, 众创空间, 孵化器 …) with their yearly
evaluations and the applications for new ones; talent in programs and foreign experts; cooperation agreements
between local organisations and universities or institutes with the joint projects under them; and the
recognitions other than 高企 that enterprises apply for (省级科技型企业, 专精特新, 瞪羚, 科技小巨人 …), whose 认定
grants the enterprise's label (``enterprises.EnterpriseLabel``).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core.fields import district_fk, user_fk
from keguan.core.scope import ScopeSpec
from keguan.core.versioning import Versioned
from keguan.regions.models import RegionLevel

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
DISTRICT = {"regions": {1: "district"}, "region_levels": {"district": RegionLevel.COUNTY}}




def _enterprise(label: str = "依托企业（企业库）") -> models.ForeignKey:
    return models.ForeignKey("enterprises.Enterprise", verbose_name=label, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"


class PlatformStatus(models.TextChoices):
    BUILDING = "building", "筹建"
    RUNNING = "running", "运行"
    REVOKED = "revoked", "撤销"


class Platform(Versioned):
    """An innovation platform: ``kind`` from the dictionary ``platform_kind``."""

    district = district_fk()
    kind = models.CharField("平台类型", max_length=32, help_text="数据字典“创新平台类型”的代码")
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    name = models.CharField("平台名称", max_length=150)
    host = models.CharField("依托单位", max_length=150)
    enterprise = _enterprise()
    approved_year = models.PositiveSmallIntegerField("认定/批准年度")
    approval_doc = models.CharField("批准文号", max_length=100, blank=True)
    status = models.CharField("状态", max_length=12, choices=PlatformStatus.choices, default=PlatformStatus.RUNNING)
    revoked_year = models.PositiveSmallIntegerField("撤销年度", null=True, blank=True)
    field = models.CharField("技术领域", max_length=50, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="resources.manage", enterprise="enterprise", **DISTRICT)

    class Meta:
        verbose_name = "创新平台"
        verbose_name_plural = "创新平台"
        ordering = ["district", "kind", "level", "name"]
        indexes = [models.Index(fields=["district", "kind", "level"])]

    def __str__(self) -> str:
        return self.name


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class PlatformEvaluation(models.Model):
    platform = models.ForeignKey(Platform, verbose_name="平台", on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField("考核年度")
    grade = models.CharField("考核结果", max_length=12, choices=Grade.choices)
    note = models.CharField("说明", max_length=300, blank=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "platform__district"}, region_levels={"platform__district": RegionLevel.COUNTY},
                      enterprise="platform__enterprise", write="resources.manage")

    class Meta:
        verbose_name = "平台考核"
        verbose_name_plural = "平台考核"
        ordering = ["platform", "-year"]
        constraints = [models.UniqueConstraint(fields=["platform", "year"], name="one_evaluation_per_year")]

    def __str__(self) -> str:
        return f"{self.platform} {self.year} {self.get_grade_display()}"


class Outcome(models.TextChoices):
    PENDING = "pending", "评审中"
    APPROVED = "approved", "获批"
    REJECTED = "rejected", "未获批"


class PlatformApplication(Versioned):
    """An application for a new platform (or an upgrade), and its outcome; an approved one becomes a
    ``Platform`` (``platform``)."""

    district = district_fk()
    kind = models.CharField("平台类型", max_length=32)
    level = models.CharField("申报级别", max_length=12, choices=Level.choices)
    name = models.CharField("拟建平台名称", max_length=150)
    host = models.CharField("依托单位", max_length=150)
    enterprise = _enterprise()
    applied_on = models.DateField("申报日期")
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField("结果日期", null=True, blank=True)
    platform = models.OneToOneField(Platform, verbose_name="建成平台", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="application")
    note = models.CharField("备注", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="resources.manage", enterprise="enterprise", **DISTRICT)

    class Meta:
        verbose_name = "平台申报"
        verbose_name_plural = "平台申报"
        ordering = ["-applied_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Talent(Versioned):
    """A person or a team in a talent program (e.g. a province's 特支计划, an innovation team)."""

    district = district_fk()
    is_team = models.BooleanField("团队", default=False)
    name = models.CharField("姓名/团队名称", max_length=100)
    program = models.CharField("人才计划", max_length=100, help_text="如：广西特聘专家、八桂青年拔尖人才、创新团队")
    batch = models.CharField("批次", max_length=30, blank=True)
    year = models.PositiveSmallIntegerField("入选年度")
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    host = models.CharField("所在单位", max_length=150)
    enterprise = _enterprise("所在企业（企业库）")
    field = models.CharField("专业领域", max_length=50, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="resources.manage", enterprise="enterprise", **DISTRICT)

    class Meta:
        verbose_name = "人才与团队"
        verbose_name_plural = "人才与团队"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return self.name


class ForeignExpert(Versioned):
    district = district_fk()
    name = models.CharField("姓名", max_length=100)
    nationality = models.CharField("国籍", max_length=50)
    host = models.CharField("聘请单位", max_length=150)
    enterprise = _enterprise("聘请企业（企业库）")
    field = models.CharField("专业领域", max_length=50, blank=True)
    start_on = models.DateField("服务开始日期")
    end_on = models.DateField("服务结束日期", null=True, blank=True)
    permit_no = models.CharField("工作许可证号", max_length=40, blank=True)
    permit_expires = models.DateField("工作许可到期日", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="resources.manage", enterprise="enterprise", **DISTRICT)

    class Meta:
        verbose_name = "外国专家"
        verbose_name_plural = "外国专家"
        ordering = ["-start_on", "name"]

    def __str__(self) -> str:
        return self.name


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", "履行中"
    DONE = "done", "已完成"
    ENDED = "ended", "已终止"


class Agreement(Versioned):
    """A cooperation agreement (产学研合作协议) between a local organisation and a university or institute."""

    district = district_fk()
    local_party = models.CharField("本地单位", max_length=150)
    enterprise = _enterprise("本地企业（企业库）")
    partner = models.CharField("合作高校/院所", max_length=150)
    signed_on = models.DateField("签订日期")
    field = models.CharField("合作领域", max_length=100, blank=True)
    amount = models.DecimalField("协议金额（元）", null=True, blank=True, **MONEY)
    status = models.CharField("状态", max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE)
    note = models.CharField("合作内容", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="resources.manage", enterprise="enterprise", **DISTRICT)

    class Meta:
        verbose_name = "产学研合作协议"
        verbose_name_plural = "产学研合作协议"
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.local_party}—{self.partner}"

    @property
    def name(self) -> str:  # what lists name it by (the local party)
        return self.local_party


class JointProject(models.Model):
    agreement = models.ForeignKey(Agreement, verbose_name="合作协议", on_delete=models.CASCADE, related_name="projects")
    title = models.CharField("项目名称", max_length=150)
    starts_on = models.DateField("开始日期")
    amount = models.DecimalField("投入金额（元）", null=True, blank=True, **MONEY)
    status = models.CharField("状态", max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "agreement__district"}, region_levels={"agreement__district": RegionLevel.COUNTY},
                      enterprise="agreement__enterprise", write="resources.manage")

    class Meta:
        verbose_name = "合作项目"
        verbose_name_plural = "合作项目"
        ordering = ["agreement", "starts_on", "id"]

    def __str__(self) -> str:
        return self.title


class RecognitionStatus(models.TextChoices):
    APPLIED = "applied", "申报"
    RECOMMENDED = "recommended", "推荐"
    PUBLICISED = "publicised", "公示"
    GRANTED = "granted", "认定"
    FAILED = "failed", "未通过"


class Recognition(Versioned):
    """An enterprise's application for a named title other than 高企 (``title``: a label kind of the registry,
    ``enterprises.LabelKind``), 申报 → 推荐 → 公示 → 认定 / 未通过, each step dated; 认定 adds the label."""

    district = models.ForeignKey("regions.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    # a named relation, so the register's delete check (enterprise_delete_blockers) lists it as a blocker
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="recognitions")
    title = models.CharField("称号", max_length=24)
    level = models.CharField("级别", max_length=12)
    year = models.PositiveSmallIntegerField("申报年度")
    batch = models.CharField("批次", max_length=30, blank=True)
    status = models.CharField("状态", max_length=12, choices=RecognitionStatus.choices,
                              default=RecognitionStatus.APPLIED)
    applied_on = models.DateField("申报日期")
    recommended_on = models.DateField("推荐日期", null=True, blank=True)
    publicised_on = models.DateField("公示日期", null=True, blank=True)
    decided_on = models.DateField("认定/结果日期", null=True, blank=True)
    failed_reason = models.CharField("未通过原因", max_length=200, blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="resources.manage", enterprise="enterprise", **DISTRICT)

    class Meta:
        verbose_name = "称号申报"
        verbose_name_plural = "称号申报"
        ordering = ["-year", "-applied_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "title", "level", "year"],
                                               name="one_recognition_per_title_year")]
        indexes = [models.Index(fields=["district", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

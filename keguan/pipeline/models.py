"""Qualification records of the pipeline (梯队培育): 科小 evaluation records, 高企 applications by batch with their
dated steps, 高企 certificates, the bureau's cultivation pools (高企培育库) with members and tutoring visits.

Who may write: district leaders and staff (the default of keguan.core.scope.can_write); everyone else in
scope reads. An enterprise's pipeline stage follows from these records (``keguan.pipeline.stages``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core.scope import ScopeSpec
from keguan.core.versioning import Versioned
from keguan.regions.models import RegionLevel
from keguan.rules.tech_sme import hnte_certificate_valid_until

_BY_ENTERPRISE = ScopeSpec(write="pipeline.write",
    regions={1: "enterprise__district", 4: "enterprise__township"},
    enterprise="enterprise",
    region_levels={"enterprise__district": RegionLevel.COUNTY, "enterprise__township": RegionLevel.TOWNSHIP},
)

CN_SEQ = "一二三四五六七八九十"


def _district() -> models.ForeignKey:
    """The firm's district, copied onto the row (as on StageChange) and kept in step by the services when the
    firm moves (``services.follow_move``): the pipeline's indicators count rows per district from their own
    indexes, without joining every firm."""
    return models.ForeignKey(
        "regions.Region", verbose_name="所属区县", on_delete=models.PROTECT, related_name="+", db_index=False
    )


def _recorded_by(verbose_name: str) -> models.ForeignKey:
    """Who recorded a row (kept when the account is deleted)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=verbose_name, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )


class TechSmeRecord(models.Model):
    """科技型中小企业评价入库: one per enterprise and evaluation year. The 入库登记编号 is valid for the
    evaluation year (RULES.md): from the 入库 date to 31 December of that year, unless removed earlier."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="sme_records"
    )
    district = _district()
    year = models.PositiveSmallIntegerField("评价年度")
    number = models.CharField("入库登记编号", max_length=32, unique=True)
    registered_on = models.DateField("入库日期")
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removed_reason = models.CharField("移出原因", max_length=200, blank=True)
    created_by = _recorded_by("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = _BY_ENTERPRISE

    class Meta:
        verbose_name = "科小入库记录"
        verbose_name_plural = "科小入库记录"
        ordering = ["-year", "-registered_on"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="sme_record_once_per_year")]
        indexes = [models.Index(fields=["registered_on", "district", "enterprise"])]

    def __str__(self) -> str:
        return f"{self.year}年科小入库 {self.number}"

    @property
    def valid_until(self) -> dt.date:
        end = dt.date(self.year, 12, 31)
        if self.removed_on is not None:
            end = min(end, self.removed_on - dt.timedelta(days=1))
        return end

    def valid_on(self, day: dt.date) -> bool:
        return self.registered_on <= day <= self.valid_until


class HnteBatch(models.Model):
    """A recognition batch (申报批次) of the province, e.g. 2022年第二批: shared by every district."""

    year = models.PositiveSmallIntegerField("年度")
    seq = models.PositiveSmallIntegerField("批次")
    deadline = models.DateField("申报截止日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "高企申报批次"
        verbose_name_plural = "高企申报批次"
        ordering = ["-year", "-seq"]
        constraints = [models.UniqueConstraint(fields=["year", "seq"], name="batch_once")]

    def __str__(self) -> str:
        seq = CN_SEQ[self.seq - 1] if 1 <= self.seq <= len(CN_SEQ) else str(self.seq)
        return f"{self.year}年第{seq}批"


class AppStatus(models.TextChoices):
    """高企申报 statuses, in order; 认定 and 未通过 end an application."""

    PLANNED = "planned", "拟申报"
    SUBMITTED = "submitted", "材料提交"
    DISTRICT = "district", "区推荐"
    CITY = "city", "市审核"
    PROVINCE = "province", "省评审"
    PUBLICISED = "publicised", "公示"
    RECOGNISED = "recognised", "认定"
    REJECTED = "rejected", "未通过"


APP_ORDER = {value: i for i, value in enumerate(AppStatus.values)}
APP_FINAL = frozenset({AppStatus.RECOGNISED, AppStatus.REJECTED})
#: statuses that count as "申报" (the application has been handed in)
APP_SUBMITTED = tuple(s for s in AppStatus.values if APP_ORDER[s] >= APP_ORDER[AppStatus.SUBMITTED])


class HnteApplication(models.Model):
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="hnte_applications"
    )
    batch = models.ForeignKey(HnteBatch, verbose_name="申报批次", on_delete=models.PROTECT, related_name="applications")
    district = _district()
    status = models.CharField("状态", max_length=12, choices=AppStatus.choices, default=AppStatus.PLANNED)
    status_on = models.DateField("状态日期")
    submitted_on = models.DateField("材料提交日期", null=True, blank=True)
    decided_on = models.DateField("认定/未通过日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = _recorded_by("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = _BY_ENTERPRISE

    class Meta:
        verbose_name = "高企申报"
        verbose_name_plural = "高企申报"
        ordering = ["-batch__year", "-batch__seq", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "batch"], name="application_once_per_batch")]
        indexes = [
            models.Index(fields=["submitted_on", "district", "status", "enterprise"]),
            models.Index(fields=["decided_on", "status", "district", "enterprise", "batch"]),
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.get_status_display()}"

    @property
    def is_final(self) -> bool:
        return self.status in APP_FINAL

    def next_statuses(self) -> list[tuple[str, str]]:
        """Where the application may move: any later status (a step may be recorded after the fact), or 未通过."""
        if self.is_final:
            return []
        here = APP_ORDER[self.status]
        return [(s, label) for s, label in AppStatus.choices if APP_ORDER[s] > here]


class ApplicationStep(models.Model):
    """Each move of an application: from → to, the date it happened, who recorded it."""

    application = models.ForeignKey(HnteApplication, verbose_name="申报", on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField("原状态", max_length=12, choices=AppStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=AppStatus.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = _recorded_by("操作人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    scope = ScopeSpec(write="pipeline.write",
        regions={1: "application__enterprise__district", 4: "application__enterprise__township"},
        enterprise="application__enterprise",
        region_levels={
            "application__enterprise__district": RegionLevel.COUNTY,
            "application__enterprise__township": RegionLevel.TOWNSHIP,
        },
    )

    class Meta:
        verbose_name = "申报进度"
        verbose_name_plural = "申报进度"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_to_status_display()}"


class HnteCertificate(models.Model):
    """高新技术企业证书: valid three years from its issue date (the day before the third anniversary is the
    last valid day). From a recognised application, or entered for a firm recognised before keguan."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="hnte_certificates"
    )
    application = models.OneToOneField(
        HnteApplication, verbose_name="申报", null=True, blank=True, on_delete=models.SET_NULL, related_name="certificate"
    )
    number = models.CharField("证书编号", max_length=20, unique=True)
    issued_on = models.DateField("发证日期")
    expires_on = models.DateField("有效期至")
    created_by = _recorded_by("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = _BY_ENTERPRISE

    class Meta:
        verbose_name = "高企证书"
        verbose_name_plural = "高企证书"
        ordering = ["-issued_on"]
        indexes = [models.Index(fields=["expires_on", "issued_on", "enterprise"])]

    def __str__(self) -> str:
        return f"{self.number}（有效期至{self.expires_on:%Y-%m-%d}）"

    @staticmethod
    def expiry_for(issued_on: dt.date) -> dt.date:
        return hnte_certificate_valid_until(issued_on)  # the rules' own reading, so 科小 and the stage agree

    def valid_on(self, day: dt.date) -> bool:
        return self.issued_on <= day <= self.expires_on


class CultivationPool(models.Model):
    """高企培育库: a district's multi-year pool, e.g. 2023-2025年高企培育库."""

    district = models.ForeignKey(
        "regions.Region", verbose_name="所属区县", on_delete=models.PROTECT, related_name="cultivation_pools"
    )
    name = models.CharField("名称", max_length=64)
    start_year = models.PositiveSmallIntegerField("起始年度")
    end_year = models.PositiveSmallIntegerField("截止年度")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = _recorded_by("建立人")
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="pipeline.write", regions={1: "district"}, region_levels={"district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "高企培育库"
        verbose_name_plural = "高企培育库"
        ordering = ["-start_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "start_year", "end_year"], name="pool_once_per_period"),
            models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")), name="pool_years_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def years_label(self) -> str:
        return f"{self.start_year}-{self.end_year}年" if self.end_year != self.start_year else f"{self.start_year}年"


class ExitReason(models.TextChoices):
    RECOGNISED = "recognised", "认定为高新技术企业"
    LEFT = "left", "退出培育（不再符合条件或企业意愿）"
    CLOSED = "closed", "注销/迁出"
    TRANSFERRED = "transferred", "培育期满转入新一期培育库"


class PoolMember(models.Model):
    """One stay of an enterprise in a pool: entry date and reason, exit date and reason."""

    pool = models.ForeignKey(CultivationPool, verbose_name="培育库", on_delete=models.PROTECT, related_name="members")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="pool_memberships"
    )
    district = _district()
    entered_on = models.DateField("入库日期")
    entry_reason = models.CharField("入库理由", max_length=200)
    exited_on = models.DateField("出库日期", null=True, blank=True)
    exit_reason = models.CharField("出库原因", max_length=16, choices=ExitReason.choices, blank=True)
    exit_note = models.CharField("出库说明", max_length=200, blank=True)
    created_by = _recorded_by("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = _BY_ENTERPRISE

    class Meta:
        verbose_name = "培育库企业"
        verbose_name_plural = "培育库企业"
        ordering = ["-entered_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"], condition=models.Q(exited_on__isnull=True), name="one_open_pool_membership"
            ),
        ]
        indexes = [
            models.Index(fields=["district", "entered_on", "exited_on", "enterprise"]),
            models.Index(fields=["exit_reason", "exited_on", "district", "enterprise"]),
            models.Index(fields=["pool", "exited_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.pool} {self.enterprise}"

    def in_pool_on(self, day: dt.date) -> bool:
        return self.entered_on <= day and (self.exited_on is None or day < self.exited_on)


class VisitTopic(models.TextChoices):
    HNTE = "hnte", "高企申报辅导"
    RD_ACCOUNTS = "rd_accounts", "研发费用归集/辅助账"
    IP = "ip", "知识产权布局"
    SME = "sme", "科小评价入库"
    POLICY = "policy", "政策宣讲"
    OTHER = "other", "其他"


class TutoringVisit(models.Model):
    """辅导: a visit or call by the bureau (or a service agency it sends) to help a firm up the pipeline."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="tutoring_visits"
    )
    visited_on = models.DateField("辅导日期")
    topic = models.CharField("辅导内容", max_length=16, choices=VisitTopic.choices)
    tutor = models.CharField("辅导人/机构", max_length=64)
    content = models.TextField("辅导情况", max_length=1000)
    next_step = models.CharField("下一步", max_length=200, blank=True)
    created_by = _recorded_by("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = _BY_ENTERPRISE

    class Meta:
        verbose_name = "辅导记录"
        verbose_name_plural = "辅导记录"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.get_topic_display()}"


class FactKind(models.TextChoices):
    """Facts the official rules ask about that staff record (keguan.rules.explain.facts_in_force gives their
    windows): the 科小/高企 disqualifying events, and 科小's direct qualifications other than the certificate."""

    MAJOR_ACCIDENT = "major_accident", "重大安全、重大质量事故"
    ENVIRONMENTAL = "environmental_offence", "严重环境违法行为"
    MISCONDUCT = "research_misconduct", "科研严重失信行为"
    ABNORMAL = "abnormal_or_dishonest", "列入经营异常名录或严重违法失信企业名单"
    PROHIBITED = "prohibited_product", "产品或服务属于国家禁止、限制和淘汰类"
    NATIONAL_AWARD = "national_award", "国家级科技奖励（获奖单位前三名）"
    RD_INSTITUTION = "rd_institution", "经认定的省部级以上研发机构"
    LED_STANDARD = "led_standard", "主导制定国际、国家或行业标准"


class RecordedFact(models.Model):
    """A recorded fact about a firm, with the year it happened (or was recognised)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="recorded_facts"
    )
    kind = models.CharField("事项", max_length=24, choices=FactKind.choices)
    year = models.PositiveSmallIntegerField("发生/认定年度")
    note = models.CharField("说明（文号、事由等）", max_length=200, blank=True)
    created_by = _recorded_by("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = _BY_ENTERPRISE

    class Meta:
        verbose_name = "登记事项"
        verbose_name_plural = "登记事项"
        ordering = ["-year", "kind"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "kind", "year"], name="fact_once_per_year")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.get_kind_display()}"


class HnteEstimate(Versioned):
    """专家评分估计: staff's estimates of the expert-judged parts of a firm's 高企 innovation score for an
    application year, kept so that the self-check uses them until someone changes them. Blank = not estimated
    (the rules then count the part's whole range)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="hnte_estimates"
    )
    year = models.PositiveSmallIntegerField("申报年度")
    ip_advancement = models.CharField("知识产权：技术的先进程度", max_length=1, blank=True)
    ip_core_support = models.CharField("知识产权：核心支持作用", max_length=1, blank=True)
    ip_obtained = models.CharField("知识产权获得方式", max_length=8, blank=True)
    standards_drafted = models.PositiveSmallIntegerField("参与编制标准（项）", null=True, blank=True)
    conversions = models.PositiveIntegerField("近三年科技成果转化（合计，项）", null=True, blank=True)
    rd_org_management = models.PositiveSmallIntegerField("研发组织管理制度与研发费用辅助账", null=True, blank=True)
    rd_org_body = models.PositiveSmallIntegerField("研发机构与产学研合作", null=True, blank=True)
    rd_org_incentives = models.PositiveSmallIntegerField("成果转化激励与创新创业平台", null=True, blank=True)
    rd_org_training = models.PositiveSmallIntegerField("人才培养、引进与绩效奖励", null=True, blank=True)
    updated_by = _recorded_by("估计人")
    updated_at = models.DateTimeField("保存时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = _BY_ENTERPRISE

    class Meta:
        verbose_name = "高企专家评分估计"
        verbose_name_plural = "高企专家评分估计"
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="one_estimate_per_year")]

    def __str__(self) -> str:
        return f"{self.year}年高企专家评分估计"


ESTIMATE_FIELDS = ("ip_advancement", "ip_core_support", "ip_obtained", "standards_drafted", "conversions",
                   "rd_org_management", "rd_org_body", "rd_org_incentives", "rd_org_training")


def certificate_valid_on(day) -> models.Q:
    """The 高企 certificates in force on ``day`` (issued by then, not yet expired)."""
    return models.Q(issued_on__lte=day, expires_on__gte=day)


def sme_record_valid_on(day) -> models.Q:
    """The 科小 records in force on ``day``: of its evaluation year, registered by then, not removed before it."""
    return models.Q(year=day.year, registered_on__lte=day) & (
        models.Q(removed_on__isnull=True) | models.Q(removed_on__gt=day))

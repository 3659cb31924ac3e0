"""研发经费填报: the yearly round in which the bureau chases every 规上 enterprise with R&D activity to report
its R&D spending (the statistical figure, 研发经费), with the follow-up calls it makes.

The reported 研发经费 is not the enterprise's accounting 研发费用 in ``EnterpriseYear``: the round never writes
there; pages show that figure beside the reported one for reference only. Money in yuan, two decimals.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core.scope import ScopeSpec
from keguan.regions.models import RegionLevel


class RdRound(models.Model):
    """One district's reporting round for one fiscal year (one round per district and year)."""

    district = models.ForeignKey(
        "regions.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("填报年度", help_text="所填报研发经费的会计年度")
    title = models.CharField("名称", max_length=100)
    opened_on = models.DateField("开始日期")
    due_on = models.DateField("截止日期", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="rd.write", regions={1: "district"}, region_levels={"district": RegionLevel.COUNTY})  # services enforce

    class Meta:
        verbose_name = "研发经费填报"
        verbose_name_plural = "研发经费填报"
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="one_rd_round_per_district_year")]
        indexes = [models.Index(fields=["year", "district"])]

    def __str__(self) -> str:
        return self.title


class FirmSource(models.TextChoices):
    RULE = "rule", "按规则预填"
    MANUAL = "manual", "手动添加"


class RdFirm(models.Model):
    """A firm concerned by a round: its reported amount (empty = not reported yet)."""

    round = models.ForeignKey(RdRound, verbose_name="填报轮次", on_delete=models.CASCADE, related_name="firms")
    # CASCADE: deleting a firm from the register (a service of the enterprise registry) takes its line here
    # with it; the history keeps what it had reported.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="rd_reports"
    )
    source = models.CharField("列入方式", max_length=8, choices=FirmSource.choices, default=FirmSource.RULE)
    amount = models.DecimalField(
        "填报研发经费（元）", max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    reported_on = models.DateField("填报日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("登记时间", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    added_at = models.DateTimeField("列入时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="rd.write", regions={1: "round__district"}, region_levels={"round__district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "填报企业"
        verbose_name_plural = "填报企业"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "enterprise"], name="rd_firm_once_per_round"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0), name="rd_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True, reported_on__isnull=True)
                | models.Q(amount__isnull=False, reported_on__isnull=False),
                name="rd_amount_with_date",
            ),
        ]
        indexes = [models.Index(fields=["round", "amount"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.round}"

    @property
    def reported(self) -> bool:
        return self.amount is not None


class CallOutcome(models.TextChoices):
    PROMISED = "promised", "承诺按期填报"
    REPORTED = "reported", "已填报"
    NO_RD = "no_rd", "暂无研发活动"
    UNREACHABLE = "unreachable", "无法联系"
    OTHER = "other", "其他"


class RdCall(models.Model):
    """A follow-up call (催报) to a firm of a round."""

    firm = models.ForeignKey(RdFirm, verbose_name="填报企业", on_delete=models.CASCADE, related_name="calls")
    called_on = models.DateField("跟进日期")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="跟进人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    contact = models.CharField("联系对象", max_length=64, blank=True, help_text="接听人姓名或职务，如 财务张经理")
    outcome = models.CharField("跟进结果", max_length=16, choices=CallOutcome.choices)
    promised_on = models.DateField("承诺填报日期", null=True, blank=True)
    note = models.CharField("情况记录", max_length=500, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="rd.write",
        regions={1: "firm__round__district"}, region_levels={"firm__round__district": RegionLevel.COUNTY}
    )

    class Meta:
        verbose_name = "跟进记录"
        verbose_name_plural = "跟进记录"
        ordering = ["-called_on", "-id"]
        indexes = [models.Index(fields=["firm", "called_on"])]

    def __str__(self) -> str:
        return f"{self.called_on} {self.get_outcome_display()}"

"""技术市场与科技成果: registered technology contracts (技术合同登记) with the districts they count for as 吸纳 and
输出, registered results (科技成果登记), and awards and competitions.

A ``TechContract`` is one registered contract as the national registration system exports it; its
``ContractSide`` rows say where it counts (``keguan.rules.tech_market``): at most one 吸纳 row (the buyer's
district, or the city only) and at most one 输出 row (the seller's) per city. Sides carry the date and the
amounts, so the totals by district and month read one indexed table. Money in yuan, two decimals (forms and
imports take 万元).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core.fields import user_fk
from keguan.core.scope import ScopeSpec
from keguan.core.versioning import Versioned
from keguan.regions.models import RegionLevel
from keguan.rules import tech_market

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}



class ContractKind(models.TextChoices):
    DEVELOPMENT = "development", "技术开发"
    TRANSFER = "transfer", "技术转让"
    LICENSE = "license", "技术许可"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"


class TechContract(Versioned):
    number = models.CharField("合同登记编号", max_length=40, unique=True)
    name = models.CharField("合同名称", max_length=200)
    kind = models.CharField("合同类别", max_length=12, choices=ContractKind.choices)
    seller_name = models.CharField("卖方名称", max_length=150)
    seller_code = models.CharField("卖方统一社会信用代码", max_length=18, blank=True)
    seller_region = models.ForeignKey("regions.Region", verbose_name="卖方所在地区", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    buyer_name = models.CharField("买方名称", max_length=150)
    buyer_code = models.CharField("买方统一社会信用代码", max_length=18, blank=True)
    buyer_region = models.ForeignKey("regions.Region", verbose_name="买方所在地区", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    seller_area = models.CharField("卖方所在地区（原文）", max_length=100, blank=True,
                                   help_text="登记表上写的地区；不在区划库中的地区（外省）只记在这里")
    buyer_area = models.CharField("买方所在地区（原文）", max_length=100, blank=True)
    seller_enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="卖方（企业库）", null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+")
    buyer_enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="买方（企业库）", null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")
    registered_on = models.DateField("登记日期")
    contract_amount = models.DecimalField("合同成交额（元）", **MONEY)
    transaction_amount = models.DecimalField("技术交易额（元）", **MONEY)
    registrar = models.CharField("登记机构", max_length=100, blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("导入/登记时间", auto_now_add=True)
    history = HistoricalRecords()

    # visible from the city and the district of either side (keguan.core.scope: a to-many region lookup)
    scope = ScopeSpec(write="market.manage", regions={1: "sides__city", 3: "sides__district"},
                      region_levels={"sides__city": RegionLevel.CITY, "sides__district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "技术合同"
        verbose_name_plural = "技术合同登记"
        ordering = ["-registered_on", "-id"]
        indexes = [models.Index(fields=["registered_on"])]
        constraints = [models.CheckConstraint(condition=models.Q(transaction_amount__lte=models.F("contract_amount")),
                                              name="transaction_within_contract")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ContractSide(models.Model):
    """Where a contract counts: 吸纳 for the buyer's district, 输出 for the seller's (``district`` empty when the
    party is known only to the city). Date and amounts copied from the contract (kept equal by the services)."""

    contract = models.ForeignKey(TechContract, verbose_name="技术合同", on_delete=models.CASCADE, related_name="sides")
    side = models.CharField("方向", max_length=8, choices=list(tech_market.LABELS.items()))
    city = models.ForeignKey("regions.Region", verbose_name="地市", on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("regions.Region", verbose_name="区县", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField("登记日期")
    contract_amount = models.DecimalField("合同成交额（元）", **MONEY)
    transaction_amount = models.DecimalField("技术交易额（元）", **MONEY)

    scope = ScopeSpec(regions={1: "city", 3: "district"},
                      region_levels={"city": RegionLevel.CITY, "district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "合同计数"
        verbose_name_plural = "合同计数（吸纳/输出）"
        constraints = [models.UniqueConstraint(fields=["contract", "side", "city"], name="one_side_per_city")]
        indexes = [models.Index(fields=["district", "side", "registered_on"]),
                   models.Index(fields=["city", "side", "registered_on"]),
                   # the totals page of a city reads a year of its sides from this index alone (covering)
                   models.Index(fields=["city", "registered_on", "district", "side", "contract_amount",
                                        "transaction_amount"], name="market_side_city_totals"),
                   models.Index(fields=["district", "registered_on", "side", "contract_amount", "transaction_amount"],
                                name="market_side_district_totals")]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.get_side_display()}"


class ResultKind(models.TextChoices):
    APPLIED = "applied", "应用技术成果"
    BASIC = "basic", "基础理论成果"
    SOFT = "soft", "软科学成果"


class Result(Versioned):
    """A registered S&T result (科技成果登记)."""

    district = models.ForeignKey("regions.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    number = models.CharField("登记号", max_length=40, blank=True)
    name = models.CharField("成果名称", max_length=200)
    kind = models.CharField("成果类别", max_length=12, choices=ResultKind.choices, default=ResultKind.APPLIED)
    field = models.CharField("技术领域", max_length=50, blank=True)
    holders = models.CharField("完成单位", max_length=300)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="第一完成单位（企业库）", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    registered_on = models.DateField("登记日期")
    note = models.CharField("简介", max_length=500, blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="market.manage", regions={1: "district"}, region_levels={"district": RegionLevel.COUNTY},
                      enterprise="enterprise")

    class Meta:
        verbose_name = "科技成果"
        verbose_name_plural = "科技成果登记"
        ordering = ["-registered_on", "-id"]
        indexes = [models.Index(fields=["district", "registered_on"])]

    def __str__(self) -> str:
        return self.name


class AwardKind(models.TextChoices):
    AWARD = "award", "科学技术奖"
    CONTEST = "contest", "创新创业大赛"
    OTHER = "other", "其他竞赛/评选"


class AwardLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"


class Award(Versioned):
    """A prize won (or an entry) in an award or a competition: ``prize`` empty for an entry without a prize."""

    district = models.ForeignKey("regions.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=12, choices=AwardKind.choices)
    name = models.CharField("奖项/赛事名称", max_length=150, help_text="如：第十一届中国创新创业大赛（广西赛区）")
    level = models.CharField("级别", max_length=12, choices=AwardLevel.choices)
    year = models.PositiveSmallIntegerField("年度")
    project = models.CharField("获奖项目/参赛项目", max_length=200)
    prize = models.CharField("奖次", max_length=50, blank=True, help_text="如：一等奖、优秀奖；空：参赛未获奖")
    winners = models.CharField("获奖单位/个人", max_length=300)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业（企业库）", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    awarded_on = models.DateField("获奖/参赛日期", null=True, blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="market.manage", regions={1: "district"}, region_levels={"district": RegionLevel.COUNTY},
                      enterprise="enterprise")

    class Meta:
        verbose_name = "获奖与参赛"
        verbose_name_plural = "获奖与参赛"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["district", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.name} {self.prize}"

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from keguan.core.scope import ScopeSpec
from keguan.core.versioning import Versioned
from keguan.regions.models import RegionLevel

from .industry import DIVISION_CHOICES, section_of


class Stage(models.TextChoices):
    """梯队培育链条: the pipeline stages, in order."""

    ATTRACTED = "attracted", "招引企业"
    SME = "tech_sme", "科技型中小企业"
    POOL = "pool", "高企培育库"
    HNTE = "hnte", "高新技术企业"
    LEADER = "leader", "创新型领军企业"


STAGE_ORDER = {value: i for i, value in enumerate(Stage.values)}

# What each stage counts, shown on hover wherever firms are counted by stage: a firm is in one stage at a time,
# so "高新技术企业" here excludes the leaders, while the indicator "有效高新技术企业" includes them.
STAGE_DEFINITIONS = {
    Stage.ATTRACTED: "已登记、尚未评价入库科技型中小企业的企业",
    Stage.SME: "已评价入库科技型中小企业、尚未进入高企培育库的企业",
    Stage.POOL: "已进入高企培育库、尚未认定为高新技术企业的企业",
    Stage.HNTE: "高企证书在有效期内的企业（不含已列为创新型领军企业的高企；两者合计即“有效高新技术企业”）",
    Stage.LEADER: "列为创新型领军企业的企业（均为有效高企）",
}


class TechField(models.TextChoices):
    """《国家重点支持的高新技术领域》 in the official order."""

    ELECTRONIC = "electronic", "电子信息"
    BIO = "bio", "生物与新医药"
    AEROSPACE = "aerospace", "航空航天"
    MATERIALS = "materials", "新材料"
    SERVICES = "services", "高技术服务"
    ENERGY = "energy", "新能源与节能"
    ENVIRONMENT = "environment", "资源与环境"
    MANUFACTURING = "manufacturing", "先进制造与自动化"


class SizeClass(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class LabelKind(models.TextChoices):
    ABOVE_SIZE = "above_size", "规上企业"
    FOUR_ABOVE = "four_above", "四上企业"
    SRDI = "srdi", "专精特新"
    LITTLE_GIANT = "little_giant", "科技小巨人"
    PROVINCIAL_INNOVATIVE = "prov_innovative", "省级科技创新型企业"
    INNOVATION_LEADER = "innovation_leader", "创新型领军企业"
    GAZELLE = "gazelle", "瞪羚企业"
    CULTURE_TECH = "culture_tech", "文化和科技融合示范基地"


class LabelLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"
    NONE = "none", "—"


MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


TAG_KIND = "enterprise_tag"  # the 数据字典 kind of 企业标签 (declared in area.py)


class Enterprise(Versioned):
    name = models.CharField("企业名称", max_length=128)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    legal_rep = models.CharField("法定代表人", max_length=32, blank=True)
    registered_on = models.DateField("注册日期", null=True, blank=True)
    address = models.CharField("注册地址", max_length=200, blank=True)
    district = models.ForeignKey(
        "regions.Region", verbose_name="所属区县", on_delete=models.PROTECT, related_name="district_enterprises"
    )
    township = models.ForeignKey(
        "regions.Region",
        verbose_name="所属乡镇/街道",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="township_enterprises",
    )
    industry_code = models.CharField("国民经济行业（大类）", max_length=2, choices=DIVISION_CHOICES, blank=True)
    industry_section = models.CharField("行业门类", max_length=1, blank=True, editable=False)
    tech_field = models.CharField("高新技术领域", max_length=16, choices=TechField.choices, blank=True)
    size_class = models.CharField("企业规模", max_length=8, choices=SizeClass.choices, blank=True)
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=24, blank=True)
    stage = models.CharField("培育阶段", max_length=16, choices=Stage.choices, default=Stage.ATTRACTED)
    stage_since = models.DateField("进入本阶段日期", null=True, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # 企业标签: items of the bureau's editable list (数据字典 "enterprise_tag"); set through services.set_tags
    tags = models.ManyToManyField("core.DictItem", verbose_name="企业标签", blank=True, related_name="+",
                                  limit_choices_to={"kind": "enterprise_tag"})
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[tags])

    scope = ScopeSpec(
        regions={1: "district", 4: "township"},
        enterprise="pk",
        region_levels={"district": RegionLevel.COUNTY, "township": RegionLevel.TOWNSHIP},  # services enforce
    )

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["name"]
        # The registry list filters by district (the scope) and at most a few attributes and sorts by name, id
        # (its default order). Indexes that end with name, id, and the name index with district after them,
        # let the count and the keys of a page (keguan.core.pagination) be read from an index alone, in order.
        indexes = [
            models.Index(fields=["district", "stage", "name", "id"]),
            models.Index(fields=["district", "name", "id"]),
            models.Index(fields=["township", "stage"]),
            models.Index(fields=["district", "industry_section", "name", "id"]),
            models.Index(fields=["district", "tech_field", "name", "id"]),
            models.Index(fields=["name", "id", "district"]),
        ]

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.pk])

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.industry_section = section_of(self.industry_code)
        super().save(*args, **kwargs)

    def writable_by(self, user) -> bool:
        from keguan.core.permissions import may

        if user.is_enterprise_user:
            return user.enterprise_id == self.pk and may(user, "enterprises.edit_own")
        return may(user, "enterprises.edit")


class EnterpriseLabel(models.Model):
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="labels")
    kind = models.CharField("称号", max_length=24, choices=LabelKind.choices)
    level = models.CharField("级别", max_length=12, choices=LabelLevel.choices, default=LabelLevel.NONE)
    year = models.PositiveSmallIntegerField("认定年度")
    history = HistoricalRecords()

    scope = ScopeSpec(
        regions={1: "enterprise__district", 4: "enterprise__township"},
        enterprise="enterprise",
        region_levels={"enterprise__district": RegionLevel.COUNTY, "enterprise__township": RegionLevel.TOWNSHIP},
    )

    class Meta:
        verbose_name = "企业称号"
        verbose_name_plural = "企业称号"
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "level", "year"], name="label_once_per_year")
        ]
        indexes = [models.Index(fields=["kind", "enterprise"])]

    def __str__(self) -> str:
        level = "" if self.level == LabelLevel.NONE else self.get_level_display()
        return f"{self.year}年{level}{self.get_kind_display()}"


# The figures of one year that the rules read by position (``keguan.pipeline.screen``), in form and column order: services, forms, imports, the rules adapter and the
# demo generator all take this list.
YEAR_FIELDS = (
    "employees",
    "st_staff",
    "sales_revenue",
    "total_cost",
    "rd_domestic",
    "rd_abroad",
    "total_assets",
    "net_assets",
    "hightech_income",
    "ip_class1",
    "ip_class2",
)
# The money among them (in 元) and the head counts that are full-year monthly averages.
YEAR_MONEY = ("sales_revenue", "total_cost", "rd_domestic", "rd_abroad", "total_assets", "net_assets",
              "hightech_income", "total_income")
YEAR_STAFF = ("employees", "st_staff")
# Every figure a year row stores: the above and 总收入, which may stay blank (the rules then use sales).
YEAR_STORED = (*YEAR_FIELDS, "total_income")


class EnterpriseYear(Versioned):
    """年度数据: one row per enterprise and fiscal year. Money in yuan, two decimals."""

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField("年度")
    # 全年月平均数 (国科发火〔2016〕195号), so up to two decimals: 45.5 人
    employees = models.DecimalField("从业人员（人）", max_digits=9, decimal_places=2,
                                    validators=[MinValueValidator(Decimal("0"))],
                                    help_text="全年月平均数，可保留两位小数")
    st_staff = models.DecimalField("科技人员（人）", max_digits=9, decimal_places=2,
                                   validators=[MinValueValidator(Decimal("0"))],
                                   help_text="全年月平均数，可保留两位小数；全年累计工作183天以上的人员")
    sales_revenue = models.DecimalField("销售收入（元）", **MONEY)
    total_cost = models.DecimalField("成本费用总额（元）", **MONEY)
    rd_domestic = models.DecimalField("境内研发费用（元）", **MONEY)
    rd_abroad = models.DecimalField("境外研发费用（元）", default=Decimal("0"), **MONEY)
    total_assets = models.DecimalField("资产总额（元）", **MONEY)
    net_assets = models.DecimalField(
        "净资产（元）", max_digits=16, decimal_places=2, help_text="资产总额减负债总额，可为负"
    )
    hightech_income = models.DecimalField("高新技术产品（服务）收入（元）", default=Decimal("0"), **MONEY)
    total_income = models.DecimalField(
        "总收入（元）", null=True, blank=True, **MONEY,
        help_text="收入总额（销售收入与其他收入之和），高企“高新技术产品（服务）收入占比”的分母；不填时按销售收入计",
    )
    ip_class1 = models.PositiveIntegerField("Ⅰ类知识产权（件）", default=0)
    ip_class2 = models.PositiveIntegerField("Ⅱ类知识产权（件）", default=0)
    history = HistoricalRecords()

    scope = ScopeSpec(
        regions={1: "enterprise__district", 4: "enterprise__township"},
        enterprise="enterprise",
        region_levels={"enterprise__district": RegionLevel.COUNTY, "enterprise__township": RegionLevel.TOWNSHIP},
    )

    class Meta:
        verbose_name = "企业年度数据"
        verbose_name_plural = "企业年度数据"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="one_figure_row_per_year"),
            models.CheckConstraint(condition=models.Q(st_staff__lte=models.F("employees")), name="st_staff_le_employees"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年"

    @property
    def rd_total(self) -> Decimal:
        return self.rd_domestic + self.rd_abroad

    def writable_by(self, user) -> bool:
        return self.enterprise.writable_by(user)


class StageChange(models.Model):
    """Dated history of the pipeline stage."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="stage_changes"
    )
    # The enterprise's district, copied here (and kept in step by the services when a firm moves) so the
    # pipeline indicators count changes per district from one index, without joining every firm.
    district = models.ForeignKey(
        "regions.Region", verbose_name="所属区县", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    from_stage = models.CharField("原阶段", max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=16, choices=Stage.choices)
    changed_on = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    scope = ScopeSpec(
        regions={1: "enterprise__district", 4: "enterprise__township"},
        enterprise="enterprise",
        region_levels={"enterprise__district": RegionLevel.COUNTY, "enterprise__township": RegionLevel.TOWNSHIP},
    )

    class Meta:
        verbose_name = "阶段变更"
        verbose_name_plural = "阶段变更"
        ordering = ["changed_on", "id"]
        indexes = [
            models.Index(fields=["to_stage", "changed_on"]),
            models.Index(fields=["changed_on", "district", "to_stage", "from_stage", "enterprise"]),
        ]

    def __str__(self) -> str:
        return f"{self.changed_on} {self.get_to_stage_display()}"


class DistrictStageCount(models.Model):
    """How many enterprises of a district are in a pipeline stage now: one row per district and stage.

    A counter beside the register so the dashboards and reports need not count 200,000 firms on every page.
    The services, the only writers of enterprises, move it in the same transaction as the firm (atomic
    ``n = n + 1`` updates); bulk loads that bypass them (the demo generator) and ``keguan recount`` rebuild it
    from the register (``services.stage_counts_rebuild``). Rows whose count fell to 0 are kept."""

    district = models.ForeignKey(
        "regions.Region", verbose_name="所属区县", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    stage = models.CharField("培育阶段", max_length=16, choices=Stage.choices)
    n = models.IntegerField("企业数", default=0)

    scope = ScopeSpec(regions={1: "district"}, region_levels={"district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "区县各阶段企业数"
        verbose_name_plural = "区县各阶段企业数"
        constraints = [models.UniqueConstraint(fields=["district", "stage"], name="one_count_per_district_stage")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.get_stage_display()} {self.n}"

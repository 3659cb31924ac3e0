"""科技项目: programs (计划类别) at four levels, calls (申报通知), applications from enterprises and institutes
through review to acceptance, the funds they win and receive, and the expert pool that reviews them.

The bureau runs its own programs (区县级) and recommends local applicants upward (市级、省级、国家级): an
upward call is one the bureau tracks; its applications go 已提交 → 形式审查 → 推荐上级 → 立项 / 不予立项, with the
funds won recorded like any other. Money in yuan, two decimals (forms take 万元).

The workflow's legal moves are pure Python (``keguan.rules.project_flow``); the services are the only code
that changes a status, and each change leaves an ``ApplicationStep`` (who, when, why).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core.fields import user_fk
from keguan.core.scope import ScopeSpec
from keguan.core.versioning import Versioned
from keguan.regions.models import RegionLevel
from keguan.rules import project_flow as flow

# The workflow's statuses (keguan.rules.project_flow) as model choices: Status.DRAFT == "draft" …
Status = models.TextChoices("Status", [(code.upper(), (code, label)) for code, label in flow.LABELS.items()])

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}



class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"


class FundSource(models.TextChoices):
    CENTRAL = "central", "中央"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"
    OWN = "own", "自筹"


class Program(Versioned):
    """计划类别: a program of one level, managed by a body (科技部, 自治区科技厅, 市科技局, the bureau itself).
    ``region``: the bureau that runs it (its own programs) or tracks it (upward ones)."""

    region = models.ForeignKey("regions.Region", verbose_name="所属单位区划", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("计划名称", max_length=100)
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    managing_body = models.CharField("主管部门", max_length=100)
    note = models.CharField("说明", max_length=500, blank=True)
    active = models.BooleanField("在用", default=True)
    created_by = user_fk("创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="projects.manage", regions={1: "region"})

    class Meta:
        verbose_name = "科技计划"
        verbose_name_plural = "科技计划"
        ordering = ["level", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="program_name_per_region")]

    def __str__(self) -> str:
        return self.name

    @property
    def upward(self) -> bool:
        """A program above the bureau's own level: the bureau recommends, the upper level decides."""
        return self.level != Level.COUNTY


class Call(Versioned):
    """申报通知: one year's call of a program, open between two dates, with its eligibility notes, its review
    criteria and the number of reviewers each application gets."""

    program = models.ForeignKey(Program, verbose_name="科技计划", on_delete=models.PROTECT, related_name="calls")
    region = models.ForeignKey("regions.Region", verbose_name="所属单位区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("通知标题", max_length=150)
    opens_on = models.DateField("申报开始")
    closes_on = models.DateField("申报截止")
    eligibility = models.TextField("申报条件", max_length=3000, blank=True)
    guide = models.TextField("申报指南", max_length=5000, blank=True)
    max_request = models.DecimalField("单项申请资助上限（元）", null=True, blank=True, **MONEY)
    reviewers_per_application = models.PositiveSmallIntegerField(
        "每项评审专家数", default=3, validators=[MinValueValidator(1), MaxValueValidator(9)])
    review_closed_at = models.DateTimeField("评审结束时间", null=True, blank=True)
    created_by = user_fk("创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="projects.manage", regions={1: "region"})

    class Meta:
        verbose_name = "申报通知"
        verbose_name_plural = "申报通知"
        ordering = ["-opens_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                              name="call_closes_after_it_opens")]

    def __str__(self) -> str:
        return self.title

    def open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class CallAttachment(models.Model):
    """A file of the call (the notice itself, forms to fill)."""

    call = models.ForeignKey(Call, verbose_name="申报通知", on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("文件名", max_length=150)
    path = models.CharField("存放位置", max_length=300)  # under DATA_DIR/media/projects/
    size = models.PositiveIntegerField("大小（字节）")
    kind = models.CharField("文件类型", max_length=8)  # pdf, docx, xlsx, png, jpg: read from the content
    uploaded_by = user_fk("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope = ScopeSpec(regions={1: "call__region"})

    class Meta:
        verbose_name = "通知附件"
        verbose_name_plural = "通知附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A review criterion of a call, with its weight (the weights of a call add up to 100)."""

    call = models.ForeignKey(Call, verbose_name="申报通知", on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField("评审指标", max_length=60)
    weight = models.PositiveSmallIntegerField("权重（%）", validators=[MinValueValidator(1), MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField("顺序", default=1)

    scope = ScopeSpec(regions={1: "call__region"})

    class Meta:
        verbose_name = "评审指标"
        verbose_name_plural = "评审指标"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}%）"


class Application(Versioned):
    """A project applied for under a call, by an enterprise or an institute, from 草稿 to 结题."""

    call = models.ForeignKey(Call, verbose_name="申报通知", on_delete=models.PROTECT, related_name="applications")
    # The applicant: an enterprise of the register, or an institute / university (accounts.Organisation).
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="申报企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="project_applications")
    organisation = models.ForeignKey("accounts.Organisation", verbose_name="申报单位", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="project_applications")
    district = models.ForeignKey("regions.Region", verbose_name="所在区县", on_delete=models.PROTECT, related_name="+")
    # the call's year, kept here (services keep it equal) so the lists sort by it from an index
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("项目名称", max_length=150)
    field = models.CharField("技术领域", max_length=32)  # 数据字典 project_field
    starts_on = models.DateField("起始日期", null=True, blank=True)
    ends_on = models.DateField("截止日期", null=True, blank=True)
    summary = models.TextField("项目简介", max_length=3000, blank=True)
    own_funds = models.DecimalField("自筹资金（元）", default=Decimal(0), **MONEY)
    requested = models.DecimalField("申请资助（元）", default=Decimal(0), **MONEY)
    team = models.TextField("项目团队", max_length=2000, blank=True, help_text="每行一人：姓名、单位、职称、分工")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    status_on = models.DateField("状态日期")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    # 立项 / 签约: what was approved and the task book's goals
    approved = models.DecimalField("立项资助（元）", null=True, blank=True, **MONEY)
    approved_on = models.DateField("立项日期", null=True, blank=True)
    contract_no = models.CharField("任务书编号", max_length=40, blank=True)
    goals = models.TextField("考核目标", max_length=3000, blank=True)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    midterm_due = models.DateField("中期检查时间", null=True, blank=True)
    acceptance_due = models.DateField("验收时间", null=True, blank=True)
    created_by = user_fk("填报人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    # an application's district is always a 区县 (application_start takes the firm's or the clerk's): a city
    # user's filter lists the city's dozen districts, not its thousand townships and villages
    scope = ScopeSpec(write="projects.manage", regions={1: "district"}, enterprise="enterprise",
                      region_levels={"district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "项目申报"
        verbose_name_plural = "项目申报"
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False, organisation__isnull=True)
                | models.Q(enterprise__isnull=True, organisation__isnull=False),
                name="application_has_one_applicant"),
        ]
        indexes = [models.Index(fields=["district", "status"]), models.Index(fields=["status_on", "district"]),
                   models.Index(fields=["district", "-year", "-status_on", "-id"], name="application_list_district"),
                   models.Index(fields=["-year", "-status_on", "-id"], name="application_list_order")]

    def __str__(self) -> str:
        return self.title

    @property
    def applicant(self):
        return self.enterprise or self.organisation

    @property
    def total_budget(self) -> Decimal:
        return (self.own_funds or Decimal(0)) + (self.requested or Decimal(0))


class BudgetCategory(models.TextChoices):
    EQUIPMENT = "equipment", "设备费"
    MATERIALS = "materials", "材料费"
    TESTING = "testing", "测试化验加工费"
    FUEL = "fuel", "燃料动力费"
    TRAVEL = "travel", "差旅/会议/国际合作交流费"
    PUBLICATION = "publication", "出版/文献/信息传播/知识产权事务费"
    LABOUR = "labour", "劳务费"
    EXPERT = "expert", "专家咨询费"
    OTHER = "other", "其他支出"


class BudgetLine(models.Model):
    """A line of the application's budget: own funds and requested funds; the lines add up to the totals."""

    application = models.ForeignKey(Application, verbose_name="项目申报", on_delete=models.CASCADE, related_name="budget")
    category = models.CharField("科目", max_length=16, choices=BudgetCategory.choices)
    own = models.DecimalField("自筹（元）", default=Decimal(0), **MONEY)
    requested = models.DecimalField("申请资助（元）", default=Decimal(0), **MONEY)

    scope = ScopeSpec(regions={1: "application__district"},
                      region_levels={"application__district": RegionLevel.COUNTY}, enterprise="application__enterprise")

    class Meta:
        verbose_name = "预算科目"
        verbose_name_plural = "预算科目"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["application", "category"], name="one_budget_line_per_category")]

    def __str__(self) -> str:
        return self.get_category_display()


class ApplicationFile(models.Model):
    """A file the applicant attached (PDF, Word, images): its type read from the content, not the name."""

    application = models.ForeignKey(Application, verbose_name="项目申报", on_delete=models.CASCADE, related_name="files")
    name = models.CharField("文件名", max_length=150)
    path = models.CharField("存放位置", max_length=300)
    size = models.PositiveIntegerField("大小（字节）")
    kind = models.CharField("文件类型", max_length=8)
    uploaded_by = user_fk("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope = ScopeSpec(regions={1: "application__district"},
                      region_levels={"application__district": RegionLevel.COUNTY}, enterprise="application__enterprise")

    class Meta:
        verbose_name = "申报附件"
        verbose_name_plural = "申报附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ApplicationStep(models.Model):
    """A status change: from, to, when, by whom, why (退回 and 不予立项 carry their reasons to the applicant)."""

    application = models.ForeignKey(Application, verbose_name="项目申报", on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField("原状态", max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=Status.choices)
    on = models.DateField("日期")
    reason = models.CharField("说明/理由", max_length=500, blank=True)
    by = user_fk("操作人")
    at = models.DateTimeField("操作时间", auto_now_add=True)

    scope = ScopeSpec(regions={1: "application__district"},
                      region_levels={"application__district": RegionLevel.COUNTY}, enterprise="application__enterprise")

    class Meta:
        verbose_name = "状态记录"
        verbose_name_plural = "状态记录"
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '新建'} → {self.get_to_status_display()}"


class Funding(models.Model):
    """Funds approved for a project, by source level (中央/省/市/区县/自筹)."""

    application = models.ForeignKey(Application, verbose_name="项目", on_delete=models.CASCADE, related_name="funds")
    source = models.CharField("资金来源", max_length=12, choices=FundSource.choices)
    amount = models.DecimalField("金额（元）", **MONEY)
    on = models.DateField("下达日期")
    note = models.CharField("文号/说明", max_length=200, blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "application__district"},
                      region_levels={"application__district": RegionLevel.COUNTY}, enterprise="application__enterprise")

    class Meta:
        verbose_name = "项目资金"
        verbose_name_plural = "项目资金"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount}"


class Disbursement(models.Model):
    """Money paid out to the project (拨付), by source; the paid total never exceeds what was approved."""

    application = models.ForeignKey(Application, verbose_name="项目", on_delete=models.CASCADE,
                                    related_name="disbursements")
    source = models.CharField("资金来源", max_length=12, choices=FundSource.choices)
    amount = models.DecimalField("拨付金额（元）", **MONEY)
    on = models.DateField("拨付日期")
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "application__district"},
                      region_levels={"application__district": RegionLevel.COUNTY}, enterprise="application__enterprise")

    class Meta:
        verbose_name = "资金拨付"
        verbose_name_plural = "资金拨付"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.amount}"


class CheckKind(models.TextChoices):
    MIDTERM = "midterm", "中期检查"
    ACCEPTANCE = "acceptance", "验收"


class CheckResult(models.TextChoices):
    PASS = "pass", "通过"
    CONDITIONAL = "conditional", "有条件通过"
    FAIL = "fail", "不通过"


class ProjectCheck(models.Model):
    """A mid-term check or the acceptance of a project, with its result."""

    application = models.ForeignKey(Application, verbose_name="项目", on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField("类型", max_length=12, choices=CheckKind.choices)
    on = models.DateField("日期")
    result = models.CharField("结论", max_length=12, choices=CheckResult.choices)
    note = models.TextField("意见", max_length=2000, blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "application__district"},
                      region_levels={"application__district": RegionLevel.COUNTY}, enterprise="application__enterprise")

    class Meta:
        verbose_name = "检查验收"
        verbose_name_plural = "检查验收"
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_result_display()}"


class Expert(Versioned):
    """A reviewer in the bureau's expert pool: who, where from, what fields, whether available now, and the
    organisations they declared a conflict with (besides their own)."""

    region = models.ForeignKey("regions.Region", verbose_name="所属专家库区划", on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="expert")
    name = models.CharField("姓名", max_length=40)
    employer = models.CharField("工作单位", max_length=100)
    # the employer when it is a firm of the register or an institute: conflicts are checked on these
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="所在企业", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", verbose_name="所在机构", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    title = models.CharField("职称", max_length=40, blank=True)
    fields = models.CharField("专业领域", max_length=200, help_text="数据字典“技术领域”的代码，以逗号分隔")
    phone = models.CharField("联系电话", max_length=20, blank=True)
    available = models.BooleanField("可参加评审", default=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("入库时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="projects.experts", regions={1: "region"})

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家库"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.employer}）"

    @property
    def field_codes(self) -> list[str]:
        return [c for c in (x.strip() for x in self.fields.split(",")) if c]


class Conflict(models.Model):
    """A conflict of interest an expert declared: with a firm of the register or an institute."""

    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.CASCADE, related_name="conflicts")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", verbose_name="机构", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("原因", max_length=200, blank=True)

    scope = ScopeSpec(regions={1: "expert__region"})

    class Meta:
        verbose_name = "回避关系"
        verbose_name_plural = "回避关系"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enterprise__isnull=False, organisation__isnull=True)
                | models.Q(enterprise__isnull=True, organisation__isnull=False),
                name="conflict_has_one_party"),
        ]

    def __str__(self) -> str:
        return str(self.enterprise or self.organisation)


class Assignment(models.Model):
    """An expert asked to review an application; the scores and comment once submitted. ``override``: the
    bureau's reason when it chose the expert by hand against the matching rules."""

    application = models.ForeignKey(Application, verbose_name="项目申报", on_delete=models.CASCADE,
                                    related_name="assignments")
    expert = models.ForeignKey(Expert, verbose_name="专家", on_delete=models.PROTECT, related_name="assignments")
    override = models.CharField("人工指定理由", max_length=200, blank=True)
    comment = models.TextField("评审意见", max_length=3000, blank=True)
    total = models.DecimalField("加权得分", max_digits=6, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    assigned_by = user_fk("指派人")
    assigned_at = models.DateTimeField("指派时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "application__district"},
                      region_levels={"application__district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "评审任务"
        verbose_name_plural = "评审任务"
        ordering = ["application", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="one_assignment_per_expert")]

    def __str__(self) -> str:
        return f"{self.expert.name} → {self.application.title}"


class Score(models.Model):
    """A reviewer's score on one criterion, 0–100."""

    assignment = models.ForeignKey(Assignment, verbose_name="评审任务", on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name="评审指标", on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField("得分", validators=[MaxValueValidator(100)])

    scope = ScopeSpec(regions={1: "assignment__application__district"},
                      region_levels={"assignment__application__district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion.name} {self.value}"

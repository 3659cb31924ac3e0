"""科技特派员 and 科技专家服务团: the roster, the villages they cover, the yearly responsibility letters (责任状)
and their assessment, trainings for commissioners, the services they log from a phone, and the needs the
bureau dispatches to them.

* ``Commissioner``: a person, a legal entity (法人科技特派员) or a team, selected at a level (省/市/区县) in a
  batch (第N批), of a kind (农业/工业/三区人才), serving a district for a period. ``user`` is its account, when it
  has one: then it logs its own services and sees only its own records (``fieldwork.own``).
* ``Team`` (科技专家服务团, 首席专家帮扶团) with ``TeamMember`` rows and a chief expert.
* ``VillageInfo``: the flags the seeds use (重点产业发展村, 村级经济薄弱村, 乡村振兴驻点村) on a village of the region
  tree (``regions.Region`` at level 村/社区); a village without a row has no flag.
* ``Assignment``: a commissioner or a team sent to a village or an enterprise from ``start_on`` to ``end_on``
  (empty: still serving). A village is covered in a period when an assignment to it overlaps the period.
* ``Letter`` (责任状): a commissioner's goals for a year, signed; its year-end assessment (rating, notes,
  goals met). Points come from ``keguan.rules.commissioner_points`` with the district's ``PointsRule``.
* ``Training`` and ``TrainingAttendance``: trainings for commissioners (who attended, hours).
* ``ServiceLog`` with ``LogPhoto``: one service on one date, in a village or an enterprise.
* ``Demand``: a need posted by a village or an enterprise, dispatched to a commissioner and tracked
  待派单 → 已派 → 服务中 → 已完成, with the requester's feedback.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core import dictionary
from keguan.core.fields import district_fk, township_fk, user_fk
from keguan.core.scope import ScopeSpec
from keguan.core.versioning import Versioned
from keguan.regions.models import RegionLevel
from keguan.rules.demand_flow import DECLINE_OTHER

OWN = "fieldwork.own"  # the permission that narrows a commissioner to its own rows (keguan.core.scope)
DISTRICT_SCOPE = {"regions": {1: "district", 4: "township"},
                  "region_levels": {"district": RegionLevel.COUNTY, "township": RegionLevel.TOWNSHIP}}





class Form(models.TextChoices):
    PERSON = "person", "个人科技特派员"
    LEGAL = "legal", "法人科技特派员"
    TEAM = "team", "团队科技特派员"


class Level(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"


class Kind(models.TextChoices):
    AGRICULTURE = "agriculture", "农业科技特派员"
    INDUSTRY = "industry", "工业（产业）科技特派员"
    THREE_AREAS = "three_areas", "三区科技人才"


class Commissioner(Versioned):
    """One 科技特派员 (a person, a legal entity or a team) serving a district."""

    district = district_fk()
    form = models.CharField("类型", max_length=12, choices=Form.choices, default=Form.PERSON)
    name = models.CharField("姓名/名称", max_length=100)
    level = models.CharField("选派层级", max_length=12, choices=Level.choices)
    batch = models.PositiveSmallIntegerField("批次", null=True, blank=True, help_text="第N批")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    field = models.CharField("服务领域", max_length=32, blank=True, help_text="数据字典“特派员服务领域”的代码")
    specialty = models.CharField("专业特长", max_length=200, blank=True)
    employer = models.CharField("派出单位", max_length=100, blank=True)
    title = models.CharField("职称/职务", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    start_on = models.DateField("服务开始日期")
    end_on = models.DateField("服务结束日期", null=True, blank=True, help_text="空：仍在服务期")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="commissioner")
    note = models.CharField("备注", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="fieldwork.manage", regions={1: "district"},
                      region_levels={"district": RegionLevel.COUNTY}, own=(OWN, ("user",)))

    class Meta:
        verbose_name = "科技特派员"
        verbose_name_plural = "科技特派员"
        ordering = ["district", "name", "id"]
        indexes = [models.Index(fields=["district", "level", "kind"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_on__isnull=True) | models.Q(end_on__gte=models.F("start_on")),
                                   name="commissioner_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamKind(models.TextChoices):
    SERVICE = "service", "科技专家服务团"
    CHIEF = "chief", "首席专家帮扶团"


class Team(Versioned):
    """A 科技专家服务团 or a 首席专家帮扶团: members, a chief expert, the villages or industries it covers."""

    district = district_fk()
    kind = models.CharField("类型", max_length=12, choices=TeamKind.choices, default=TeamKind.SERVICE)
    name = models.CharField("名称", max_length=100)
    industries = models.CharField("服务产业", max_length=200, blank=True, help_text="如：茉莉花、甘蔗、桑蚕")
    start_on = models.DateField("组建日期")
    end_on = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("备注", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="fieldwork.manage", regions={1: "district"},
                      region_levels={"district": RegionLevel.COUNTY}, own=(OWN, ("members__commissioner__user",)))

    class Meta:
        verbose_name = "专家服务团"
        verbose_name_plural = "专家服务团"
        ordering = ["district", "name", "id"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, verbose_name="服务团", on_delete=models.CASCADE, related_name="members")
    commissioner = models.ForeignKey(Commissioner, verbose_name="成员", on_delete=models.PROTECT,
                                     related_name="memberships")
    is_chief = models.BooleanField("首席专家", default=False)
    duty = models.CharField("分工", max_length=100, blank=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "team__district"}, region_levels={"team__district": RegionLevel.COUNTY},
                      own=(OWN, ("commissioner__user",)))

    class Meta:
        verbose_name = "服务团成员"
        verbose_name_plural = "服务团成员"
        ordering = ["team", "-is_chief", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "commissioner"], name="one_membership_per_team"),
            models.UniqueConstraint(fields=["team"], condition=models.Q(is_chief=True), name="one_chief_per_team"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.commissioner}"


class VillageInfo(models.Model):
    """The flags of a village (a ``Region`` at level 村/社区). ``district`` and ``township`` are the village's
    own, kept here so the coverage pages group and scope without walking the tree."""

    village = models.OneToOneField("regions.Region", verbose_name="村/社区", on_delete=models.CASCADE,
                                   related_name="fieldwork_info")
    district = district_fk()
    township = models.ForeignKey("regions.Region", verbose_name="乡镇/街道", on_delete=models.PROTECT,
                                 related_name="+")
    key_industry = models.BooleanField("重点产业发展村", default=False)
    weak_economy = models.BooleanField("村级经济薄弱村", default=False)
    revitalisation = models.BooleanField("乡村振兴驻点村", default=False)
    industries = models.CharField("主导产业", max_length=100, blank=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="fieldwork.manage", **DISTRICT_SCOPE)

    class Meta:
        verbose_name = "村级标识"
        verbose_name_plural = "村级标识"
        ordering = ["village__code"]

    def __str__(self) -> str:
        return str(self.village)


# The village flags, by field name, in the order pages show them.
FLAGS = (("key_industry", "重点产业发展村"), ("weak_economy", "村级经济薄弱村"), ("revitalisation", "乡村振兴驻点村"))


class Assignment(Versioned):
    """A commissioner (or a team) sent to a village or to an enterprise, from ``start_on`` to ``end_on``."""

    district = district_fk()
    township = township_fk()
    commissioner = models.ForeignKey(Commissioner, verbose_name="科技特派员", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="assignments")
    team = models.ForeignKey(Team, verbose_name="专家服务团", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="assignments")
    village = models.ForeignKey("regions.Region", verbose_name="村/社区", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="fieldwork_assignments")
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期", null=True, blank=True, help_text="空：仍在服务")
    note = models.CharField("备注", max_length=300, blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="fieldwork.manage", enterprise="enterprise", **DISTRICT_SCOPE,
                      own=(OWN, ("commissioner__user", "team__members__commissioner__user")))

    class Meta:
        verbose_name = "结对服务安排"
        verbose_name_plural = "结对服务安排"
        ordering = ["-start_on", "id"]
        indexes = [models.Index(fields=["district", "village"]), models.Index(fields=["commissioner", "start_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(commissioner__isnull=False, team__isnull=True)
                           | models.Q(commissioner__isnull=True, team__isnull=False)),
                name="assignment_commissioner_or_team"),
            models.CheckConstraint(
                condition=(models.Q(village__isnull=False, enterprise__isnull=True)
                           | models.Q(village__isnull=True, enterprise__isnull=False)),
                name="assignment_village_or_enterprise"),
            models.CheckConstraint(condition=models.Q(end_on__isnull=True) | models.Q(end_on__gte=models.F("start_on")),
                                   name="assignment_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.commissioner or self.team} → {self.village or self.enterprise}"


class PointsRule(Versioned):
    """A district's weights for the year-end assessment points (``keguan.rules.commissioner_points``): the
    bureau sees and tunes them on the 考核规则 page. Without a row the rule's defaults apply."""

    district = models.OneToOneField("regions.Region", verbose_name="区县", on_delete=models.PROTECT,
                                    related_name="+")
    per_log = models.DecimalField("每条服务日志", max_digits=5, decimal_places=2, default=Decimal("2"))
    log_cap = models.DecimalField("服务日志最高计", max_digits=5, decimal_places=2, default=Decimal("40"))
    per_dispatch = models.DecimalField("每完成一次派单", max_digits=5, decimal_places=2, default=Decimal("5"))
    dispatch_cap = models.DecimalField("派单最高计", max_digits=5, decimal_places=2, default=Decimal("20"))
    per_training_hour = models.DecimalField("每参训1学时", max_digits=5, decimal_places=2, default=Decimal("1"))
    training_cap = models.DecimalField("参训最高计", max_digits=5, decimal_places=2, default=Decimal("10"))
    goals_weight = models.DecimalField("责任状目标完成（满分）", max_digits=5, decimal_places=2, default=Decimal("30"))
    excellent_from = models.DecimalField("优秀分数线", max_digits=5, decimal_places=2, default=Decimal("90"))
    pass_from = models.DecimalField("合格分数线", max_digits=5, decimal_places=2, default=Decimal("60"))
    basic_from = models.DecimalField("基本合格分数线", max_digits=5, decimal_places=2, default=Decimal("50"))
    history = HistoricalRecords()

    scope = ScopeSpec(write="fieldwork.manage", regions={1: "district"},
                      region_levels={"district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "考核计分规则"
        verbose_name_plural = "考核计分规则"

    def __str__(self) -> str:
        return f"{self.district}考核计分规则"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    BASIC = "basic", "基本合格"
    FAIL = "fail", "不合格"


class Letter(Versioned):
    """A commissioner's yearly responsibility letter (责任状) and its year-end assessment."""

    district = district_fk()
    commissioner = models.ForeignKey(Commissioner, verbose_name="科技特派员", on_delete=models.PROTECT,
                                     related_name="letters")
    year = models.PositiveSmallIntegerField("年度")
    goals = models.TextField("目标任务", max_length=3000, help_text="每行一项")
    signed_on = models.DateField("签订日期", null=True, blank=True)
    goals_met = models.PositiveSmallIntegerField("完成目标数", null=True, blank=True)
    rating = models.CharField("考核等次", max_length=12, choices=Rating.choices, blank=True)
    points = models.DecimalField("考核得分", max_digits=6, decimal_places=2, null=True, blank=True,
                                 help_text="考核时按计分规则算出并记下")
    assessment_note = models.CharField("考核意见", max_length=500, blank=True)
    assessed_on = models.DateField("考核日期", null=True, blank=True)
    assessed_by = user_fk("考核人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="fieldwork.manage", regions={1: "district"},
                      region_levels={"district": RegionLevel.COUNTY}, own=(OWN, ("commissioner__user",)))

    class Meta:
        verbose_name = "责任状"
        verbose_name_plural = "责任状"
        ordering = ["-year", "commissioner__name", "id"]
        constraints = [models.UniqueConstraint(fields=["commissioner", "year"], name="one_letter_per_year")]

    def __str__(self) -> str:
        return f"{self.commissioner} {self.year}年度责任状"

    @property
    def goal_lines(self) -> list[str]:
        return [line.strip() for line in self.goals.splitlines() if line.strip()]


class Training(Versioned):
    """A training for commissioners (the bureau's own or one it sent them to)."""

    district = district_fk()
    title = models.CharField("培训名称", max_length=150)
    held_on = models.DateField("培训日期")
    place = models.CharField("地点", max_length=100, blank=True)
    organiser = models.CharField("主办单位", max_length=100, blank=True)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))])
    note = models.CharField("内容摘要", max_length=500, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="fieldwork.manage", regions={1: "district"},
                      region_levels={"district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "特派员培训"
        verbose_name_plural = "特派员培训"
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return self.title


class TrainingAttendance(models.Model):
    training = models.ForeignKey(Training, verbose_name="培训", on_delete=models.CASCADE, related_name="attendances")
    commissioner = models.ForeignKey(Commissioner, verbose_name="科技特派员", on_delete=models.PROTECT,
                                     related_name="attendances")
    hours = models.DecimalField("参训学时", max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0"))])
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "training__district"}, region_levels={"training__district": RegionLevel.COUNTY},
                      own=(OWN, ("commissioner__user",)))

    class Meta:
        verbose_name = "参训记录"
        verbose_name_plural = "参训记录"
        constraints = [models.UniqueConstraint(fields=["training", "commissioner"], name="one_attendance")]

    def __str__(self) -> str:
        return f"{self.commissioner} · {self.training}"


class ServiceKind(models.TextChoices):
    GUIDANCE = "guidance", "技术指导"
    TEACHING = "teaching", "培训授课"
    CONSULTING = "consulting", "咨询服务"
    INTRODUCTION = "introduction", "引进新品种/新技术"
    DEMONSTRATION = "demonstration", "示范基地建设"


class ServiceLog(Versioned):
    """One service a commissioner gave on one date, in a village or an enterprise. ``introduced``: the new
    varieties or techniques it introduced (引进新品种/新技术); ``served``: the people served (for 培训授课, the
    trainees — 培训土专家、田秀才 人次). ``entered_by``: the bureau's clerk who entered it on the commissioner's
    behalf (代为登记: reported by phone or WeChat, typed in by staff, or imported from a sheet); empty when the
    commissioner entered it itself. The log is the commissioner's all the same (its list, its edits)."""

    district = district_fk()
    township = township_fk()
    commissioner = models.ForeignKey(Commissioner, verbose_name="科技特派员", on_delete=models.PROTECT,
                                     related_name="logs")
    served_on = models.DateField("服务日期")
    village = models.ForeignKey("regions.Region", verbose_name="村/社区", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="fieldwork_logs")
    kind = models.CharField("服务方式", max_length=16, choices=ServiceKind.choices)
    content = models.TextField("服务内容", max_length=2000)
    served = models.PositiveIntegerField("服务人数", default=0)
    introduced = models.PositiveSmallIntegerField("引进新品种/新技术（个）", default=0)
    demand = models.ForeignKey("Demand", verbose_name="对应派单", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="logs")
    created_by = user_fk("填报人")
    entered_by = user_fk("代为登记人")  # staff who typed in a commissioner's report (代为登记); empty: its own
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(enterprise="enterprise", **DISTRICT_SCOPE, own=(OWN, ("commissioner__user",)))

    class Meta:
        verbose_name = "服务日志"
        verbose_name_plural = "服务日志"
        ordering = ["-served_on", "-id"]
        indexes = [
            models.Index(fields=["district", "served_on"]),
            models.Index(fields=["commissioner", "served_on"]),
            models.Index(fields=["village", "served_on"]),
            models.Index(fields=["township", "served_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(village__isnull=False, enterprise__isnull=True)
                           | models.Q(village__isnull=True, enterprise__isnull=False)),
                name="log_village_or_enterprise"),
        ]

    def __str__(self) -> str:
        return f"{self.served_on} {self.commissioner} {self.get_kind_display()}"

    def writable_by(self, user) -> bool:
        """Staff with ``fieldwork.manage`` in scope, and the commissioner who logged it."""
        from keguan.core.permissions import may

        return may(user, "fieldwork.manage") or (
            self.commissioner.user_id is not None and self.commissioner.user_id == user.pk and may(user, "fieldwork.log"))


class LogPhoto(models.Model):
    """A photo of a service (an image, shrunk on upload), stored under ``DATA_DIR/media/fieldwork/``."""

    log = models.ForeignKey(ServiceLog, verbose_name="服务日志", on_delete=models.CASCADE, related_name="photos")
    file = models.CharField("文件", max_length=200)
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope = ScopeSpec(enterprise="log__enterprise",
                      regions={1: "log__district", 4: "log__township"},
                      region_levels={"log__district": RegionLevel.COUNTY, "log__township": RegionLevel.TOWNSHIP},
                      own=(OWN, ("log__commissioner__user",)))

    class Meta:
        verbose_name = "服务照片"
        verbose_name_plural = "服务照片"
        ordering = ["log", "id"]

    def __str__(self) -> str:
        return self.file


class DemandStatus(models.TextChoices):
    NEW = "new", "待派单"
    DISPATCHED = "dispatched", "已派"
    SERVING = "serving", "服务中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已撤销"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Demand(Versioned):
    """A need posted by a village or an enterprise, dispatched by staff to a commissioner."""

    district = district_fk()
    township = township_fk()
    village = models.ForeignKey("regions.Region", verbose_name="村/社区", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="fieldwork_demands")
    title = models.CharField("需求标题", max_length=100)
    description = models.TextField("需求描述", max_length=2000)
    field = models.CharField("所需领域", max_length=32, blank=True, help_text="数据字典“特派员服务领域”的代码")
    contact = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    posted_on = models.DateField("提出日期")
    status = models.CharField("状态", max_length=12, choices=DemandStatus.choices, default=DemandStatus.NEW)
    commissioner = models.ForeignKey(Commissioner, verbose_name="派给", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="demands")
    dispatched_on = models.DateField("派单日期", null=True, blank=True)
    dispatched_by = user_fk("派单人")
    started_on = models.DateField("开始服务日期", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    feedback = models.CharField("需求方评价", max_length=500, blank=True)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    cancel_reason = models.CharField("撤销原因", max_length=200, blank=True)
    posted_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="fieldwork.manage", enterprise="enterprise", **DISTRICT_SCOPE,
                      own=(OWN, ("commissioner__user",)))

    class Meta:
        verbose_name = "服务需求"
        verbose_name_plural = "服务需求"
        ordering = ["-posted_on", "-id"]
        indexes = [models.Index(fields=["district", "status"]), models.Index(fields=["commissioner", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(village__isnull=False, enterprise__isnull=True)
                           | models.Q(village__isnull=True, enterprise__isnull=False)),
                name="demand_village_or_enterprise"),
        ]

    def __str__(self) -> str:
        return self.title



class DemandDecline(models.Model):
    """A commissioner sent a need dispatched to it back (退回派单), with a reason: the need is 待派单 again and
    the dispatch suggestions put this commissioner last for it ("已退回")."""

    demand = models.ForeignKey(Demand, verbose_name="服务需求", on_delete=models.CASCADE, related_name="declines")
    commissioner = models.ForeignKey(Commissioner, verbose_name="退回的特派员", on_delete=models.PROTECT,
                                     related_name="declines")
    reason = models.CharField("退回原因", max_length=32, help_text="数据字典“特派员退回派单原因”的代码")
    note = models.CharField("说明", max_length=200, blank=True)
    dispatched_on = models.DateField("派单日期", null=True, blank=True)
    declined_by = user_fk("退回人")
    declined_at = models.DateTimeField("退回时间", auto_now_add=True)

    scope = ScopeSpec(enterprise="demand__enterprise",
                      regions={1: "demand__district", 4: "demand__township"},
                      region_levels={"demand__district": RegionLevel.COUNTY, "demand__township": RegionLevel.TOWNSHIP},
                      own=(OWN, ("commissioner__user",)))

    class Meta:
        verbose_name = "退回的派单"
        verbose_name_plural = "退回的派单"
        ordering = ["demand", "declined_at", "id"]

    def __str__(self) -> str:
        return f"{self.commissioner} 退回 {self.demand}"

    @property
    def words(self) -> str:
        """The reason in words: its label, with the note after it (a note of “其他” stands alone)."""
        label = dictionary.label("demand_decline_reason", self.reason)
        if not self.note:
            return label
        return self.note if self.reason == DECLINE_OTHER else f"{label}（{self.note}）"

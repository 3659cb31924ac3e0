"""科技活动与企业服务: the bureau's events and outreach (科技活动周, 全国科普日, 科技下乡, trainings, policy
sessions, 座谈会, 对接会, 路演 …), its visits to enterprises, questionnaire rounds, and the enterprise needs
ledger (需求台账) followed up "一企一策、持续跟进".

* ``Event``: one activity, organised by the bureau (``role`` 主办/承办/协办) or by others with firms the bureau
  sent (组织参加, e.g. a provincial 路演); kind from the editable dictionary ``event_kind``; the figures the
  summaries quote: participants (人次), trainees, questions answered; ``EventMaterial`` (宣传册 12,000 本 …),
  ``EventFirm`` (the enterprises taking part or sent), ``EventPhoto``.
* ``Visit``: a visit to (or a call with) an enterprise: who went, whom they met, what was said.
* ``Questionnaire`` with ``Question``s; a ``Response`` per enterprise (filled online by the firm or imported)
  with its ``Answer``s.
* ``Need`` (需求台账): an enterprise's need, from a visit, a questionnaire, the hotline or an event, with an
  owner on the bureau's side, 新提出 → 跟进中 → 已解决 / 无法解决 (with the reason), and dated ``FollowUp``s.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core.fields import district_fk, township_fk, user_fk
from keguan.core.scope import ScopeSpec
from keguan.core.versioning import Versioned
from keguan.regions.models import RegionLevel

DISTRICT_SCOPE = {"regions": {1: "district", 4: "township"},
                  "region_levels": {"district": RegionLevel.COUNTY, "township": RegionLevel.TOWNSHIP}}


class EventRole(models.TextChoices):
    HOST = "host", "主办"
    CO_HOST = "co_host", "承办/协办"
    SENT = "sent", "组织参加"  # organised by others; the bureau sent firms or people


class Event(Versioned):
    """One event. ``region``: the bureau whose event it is (a district, or the city for the city bureau's own);
    ``township``: where it was held, when in one township (科技下乡 to a village)."""

    region = models.ForeignKey("regions.Region", verbose_name="所属科技局", on_delete=models.PROTECT, related_name="+")
    township = township_fk()
    kind = models.CharField("活动类型", max_length=32, help_text="数据字典“科技活动类型”的代码")
    role = models.CharField("本局角色", max_length=12, choices=EventRole.choices, default=EventRole.HOST)
    title = models.CharField("活动名称", max_length=150)
    theme = models.CharField("主题", max_length=150, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True, help_text="一天的活动可不填")
    place = models.CharField("地点", max_length=150, blank=True)
    organisers = models.CharField("主办单位", max_length=300, blank=True)
    co_organisers = models.CharField("承办/协办单位", max_length=300, blank=True, help_text="高校、协会、企业等，用顿号分隔")
    participants = models.PositiveIntegerField("参与人数（人次）", default=0)
    trainees = models.PositiveIntegerField("培训人数（人次）", default=0)
    questions = models.PositiveIntegerField("解答咨询（个）", default=0)
    write_up = models.TextField("活动简述", max_length=3000, blank=True)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="outreach.manage", regions={1: "region", 4: "township"},
                      region_levels={"township": RegionLevel.TOWNSHIP})

    class Meta:
        verbose_name = "科技活动"
        verbose_name_plural = "科技活动"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["region", "starts_on"]), models.Index(fields=["region", "kind", "starts_on"]),
                   # the list's order: a city's newest events are read from it without sorting every row
                   models.Index(fields=["starts_on", "id"], name="outreach_event_starts_id")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                                   name="event_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.title


class MaterialKind(models.TextChoices):
    BROCHURE = "brochure", "宣传册"
    LEAFLET = "leaflet", "明白纸/宣传单"
    BOOK = "book", "科普图书"
    BOARD = "board", "展板"
    OTHER = "other", "其他资料"


MATERIAL_UNITS = {"brochure": "本", "leaflet": "份", "book": "册", "board": "块", "other": "份"}


class EventMaterial(models.Model):
    event = models.ForeignKey(Event, verbose_name="活动", on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField("资料类型", max_length=12, choices=MaterialKind.choices)
    count = models.PositiveIntegerField("数量")
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "event__region", 4: "event__township"},
                      region_levels={"event__township": RegionLevel.TOWNSHIP})

    class Meta:
        verbose_name = "发放资料"
        verbose_name_plural = "发放资料"
        constraints = [models.UniqueConstraint(fields=["event", "kind"], name="one_material_row_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.count}{MATERIAL_UNITS.get(self.kind, '')}"


class FirmRole(models.TextChoices):
    ATTEND = "attend", "参加"
    EXHIBIT = "exhibit", "参展"
    ROADSHOW = "roadshow", "路演"
    TRAINEE = "trainee", "参训"
    SPEAKER = "speaker", "发言/交流"


class EventFirm(models.Model):
    """An enterprise taking part in an event (or sent to one), with what came of it."""

    event = models.ForeignKey(Event, verbose_name="活动", on_delete=models.CASCADE, related_name="firms")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    role = models.CharField("参与方式", max_length=12, choices=FirmRole.choices, default=FirmRole.ATTEND)
    outcome = models.CharField("成效", max_length=200, blank=True, help_text="如：达成合作意向1项")
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "event__region", 4: "event__township"},
                      region_levels={"event__township": RegionLevel.TOWNSHIP}, enterprise="enterprise")

    class Meta:
        verbose_name = "参与企业"
        verbose_name_plural = "参与企业"
        constraints = [models.UniqueConstraint(fields=["event", "enterprise"], name="one_event_firm")]

    def __str__(self) -> str:
        return f"{self.event} · {self.enterprise}"


class EventPhoto(models.Model):
    """A photo of an event (``keguan.core.images``: checked, shrunk), under ``DATA_DIR/media/outreach/``."""

    event = models.ForeignKey(Event, verbose_name="活动", on_delete=models.CASCADE, related_name="photos")
    file = models.CharField("文件", max_length=200)
    width = models.PositiveIntegerField("宽")
    height = models.PositiveIntegerField("高")
    size = models.PositiveIntegerField("大小（字节）")
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_by = user_fk("上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope = ScopeSpec(regions={1: "event__region", 4: "event__township"},
                      region_levels={"event__township": RegionLevel.TOWNSHIP})

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return self.file


class VisitWay(models.TextChoices):
    VISIT = "visit", "上门走访"
    SURVEY = "survey", "调研座谈"
    PHONE = "phone", "电话/线上"


class Visit(Versioned):
    """A visit to an enterprise (or a call): who went, whom they met, what was said."""

    district = district_fk()
    township = township_fk()
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    visited_on = models.DateField("走访日期")
    way = models.CharField("方式", max_length=12, choices=VisitWay.choices, default=VisitWay.VISIT)
    visitors = models.CharField("走访人员", max_length=200, help_text="如：区科技局局长张三、科员李四")
    met = models.CharField("接待人", max_length=100, blank=True, help_text="企业方：姓名、职务")
    notes = models.TextField("走访情况", max_length=3000)
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="outreach.manage", enterprise="enterprise", **DISTRICT_SCOPE)

    class Meta:
        verbose_name = "企业走访"
        verbose_name_plural = "企业走访"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["district", "visited_on"]), models.Index(fields=["enterprise", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.enterprise}"


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "填报中"
    CLOSED = "closed", "已结束"


class Questionnaire(Versioned):
    """A questionnaire round (企业需求调查问卷) a district sends to its enterprises."""

    district = district_fk()
    title = models.CharField("问卷名称", max_length=150)
    intro = models.TextField("说明", max_length=2000, blank=True)
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    status = models.CharField("状态", max_length=12, choices=QuestionnaireStatus.choices,
                              default=QuestionnaireStatus.DRAFT)
    created_by = user_fk("创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="outreach.manage", regions={1: "district"},
                      region_levels={"district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "调查问卷"
        verbose_name_plural = "调查问卷"
        ordering = ["-opens_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                              name="questionnaire_dates_ordered")]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选"
    MULTI = "multi", "多选"
    TEXT = "text", "文字"
    NUMBER = "number", "数字"


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, verbose_name="问卷", on_delete=models.CASCADE,
                                      related_name="questions")
    order = models.PositiveSmallIntegerField("序号")
    text = models.CharField("题目", max_length=300)
    kind = models.CharField("题型", max_length=8, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    options = models.TextField("选项", max_length=2000, blank=True, help_text="单选、多选题每行一个选项")
    required = models.BooleanField("必答", default=False)
    need_category = models.CharField("需求类别", max_length=32, blank=True,
                                     help_text="填写后，企业在此题的回答自动记入需求台账（数据字典“企业需求类别”的代码）")
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "questionnaire__district"},
                      region_levels={"questionnaire__district": RegionLevel.COUNTY})

    class Meta:
        verbose_name = "问卷题目"
        verbose_name_plural = "问卷题目"
        ordering = ["questionnaire", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "order"], name="one_question_per_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class ResponseSource(models.TextChoices):
    ONLINE = "online", "企业在线填写"
    IMPORT = "import", "导入"
    STAFF = "staff", "工作人员代填"


class Response(Versioned):
    """One enterprise's answers to a questionnaire."""

    questionnaire = models.ForeignKey(Questionnaire, verbose_name="问卷", on_delete=models.PROTECT,
                                      related_name="responses")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    district = district_fk()
    township = township_fk()
    source = models.CharField("来源", max_length=12, choices=ResponseSource.choices, default=ResponseSource.ONLINE)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True, help_text="空：暂存未提交")
    submitted_by = user_fk("填写人")
    history = HistoricalRecords()

    scope = ScopeSpec(write="outreach.manage", enterprise="enterprise", **DISTRICT_SCOPE)

    class Meta:
        verbose_name = "问卷答卷"
        verbose_name_plural = "问卷答卷"
        ordering = ["questionnaire", "enterprise__name", "id"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "enterprise"], name="one_response_per_firm")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.questionnaire}"


class Answer(models.Model):
    response = models.ForeignKey(Response, verbose_name="答卷", on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name="题目", on_delete=models.CASCADE, related_name="answers")
    value = models.TextField("回答", max_length=2000, blank=True, help_text="多选题的选项以换行分隔")
    history = HistoricalRecords()

    scope = ScopeSpec(enterprise="response__enterprise", regions={1: "response__district", 4: "response__township"},
                      region_levels={"response__district": RegionLevel.COUNTY,
                                     "response__township": RegionLevel.TOWNSHIP})

    class Meta:
        verbose_name = "回答"
        verbose_name_plural = "回答"
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return self.value[:40]


class NeedSource(models.TextChoices):
    VISIT = "visit", "走访"
    QUESTIONNAIRE = "questionnaire", "问卷"
    HOTLINE = "hotline", "热线/来电"
    EVENT = "event", "活动"
    ONLINE = "online", "企业在线提出"
    OTHER = "other", "其他"


class NeedStatus(models.TextChoices):
    NEW = "new", "新提出"
    FOLLOWING = "following", "跟进中"
    SOLVED = "solved", "已解决"
    UNSOLVABLE = "unsolvable", "无法解决"


class Need(Versioned):
    """A need of an enterprise in the ledger (需求台账), followed up by ``owner`` until it is solved or found
    unsolvable (with the reason)."""

    district = district_fk()
    township = township_fk()
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    category = models.CharField("需求类别", max_length=32, help_text="数据字典“企业需求类别”的代码")
    description = models.TextField("需求内容", max_length=2000)
    source = models.CharField("来源", max_length=16, choices=NeedSource.choices, default=NeedSource.VISIT)
    visit = models.ForeignKey(Visit, verbose_name="来源走访", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="needs")
    response = models.ForeignKey(Response, verbose_name="来源问卷", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="needs")
    event = models.ForeignKey(Event, verbose_name="来源活动", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="needs")
    question = models.ForeignKey(Question, verbose_name="来源题目", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="needs", help_text="由问卷回答生成的需求：同一答卷同一题目只生成一条")
    raised_on = models.DateField("提出日期")
    owner = user_fk("跟进人")
    status = models.CharField("状态", max_length=12, choices=NeedStatus.choices, default=NeedStatus.NEW)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    result = models.CharField("办理结果", max_length=500, blank=True, help_text="已解决：怎样解决的；无法解决：原因")
    created_by = user_fk("登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(write="outreach.manage", enterprise="enterprise", **DISTRICT_SCOPE)

    class Meta:
        verbose_name = "企业需求"
        verbose_name_plural = "企业需求台账"
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["district", "status", "raised_on"]), models.Index(fields=["owner", "status"]),
                   models.Index(fields=["enterprise", "raised_on"]),
                   # the ledger's first page, newest first, without sorting every row of a city
                   models.Index(fields=["raised_on", "id"], name="outreach_need_raised_id")]

    def __str__(self) -> str:
        return self.description[:40]


class FollowUp(models.Model):
    need = models.ForeignKey(Need, verbose_name="需求", on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField("跟进日期")
    note = models.CharField("跟进情况", max_length=500)
    internal = models.BooleanField("仅局内可见", default=False,
                                   help_text="勾选后企业看不到这条跟进记录（如内部协调、领导批示）")
    by = user_fk("跟进人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(enterprise="need__enterprise", regions={1: "need__district", 4: "need__township"},
                      region_levels={"need__district": RegionLevel.COUNTY, "need__township": RegionLevel.TOWNSHIP})

    class Meta:
        verbose_name = "跟进记录"
        verbose_name_plural = "跟进记录"
        ordering = ["need", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.note[:30]}"

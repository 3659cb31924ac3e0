"""Visits, needs and questionnaire answers as import/export kinds (``keguan.exchange``): what a bureau keeps in
Excel (a visit log, a needs ledger, a survey filled on paper and typed in) brought in through the engine
(template, dry run naming every problem by row and column, one transaction, history).

- ``outreach_visits`` (企业走访): one row per visit — 统一社会信用代码, 走访日期, 方式, 走访人员, 接待人, 走访情况. The
  natural key is (code, date, visitors): importing the same sheet again updates, never duplicates.
- ``outreach_needs`` (企业需求): one row per need — 统一社会信用代码, 需求类别 (the dictionary's label), 需求内容, 来源,
  提出日期, 状态, 跟进人（用户名）, 办理结果/原因, 办结日期. Keyed by (code, 需求内容); a re-import may name an owner
  and move the status along its flow (新提出 → 跟进中 → 已解决 / 无法解决), never against it.
- ``outreach_answers`` (问卷答卷): the answers to one questionnaire (parameter ``questionnaire``): one row per
  enterprise by its credit code, one column per question (第1题, 第2题 …: the notes row under each header
  quotes the question and its options). A wrong option is refused naming its row and column; every row is a
  submitted response (source 导入), and its answers to questions with a need category become needs once.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from keguan.accounts.selectors import users_holding
from keguan.core import dictionary
from keguan.enterprises.models import Enterprise
from keguan.exchange.kinds import Column, Context, ImportKind, Param, Plan, Row
from keguan.exchange.readers import Choice, Date, Text, credit_code

from ..models import (
    Need,
    NeedSource,
    NeedStatus,
    Question,
    Questionnaire,
    QuestionnaireStatus,
    Response,
    ResponseSource,
    Visit,
    VisitWay,
)
from ..rules import answers as answer_rules
from ..rules import need_flow as flow
from ..services import ledger as services

C_CODE, C_NAME = "统一社会信用代码", "企业名称"
CODE_ALIASES = ("信用代码", "社会信用代码")


def _firms(ctx: Context) -> dict[str, tuple[int, int | None, str]]:
    """The district's firms by credit code: (id, township id, name)."""
    if "firms" not in ctx.cache:
        rows = Enterprise.objects.filter(district=ctx.region).values_list("credit_code", "pk", "township_id", "name")
        ctx.cache["firms"] = {code: (pk, town, name) for code, pk, town, name in rows}
    return ctx.cache["firms"]


def _firm(row: Row, ctx: Context) -> tuple[int, int | None, str] | None:
    code = row[C_CODE]
    if not code:
        return None
    found = _firms(ctx).get(code)
    if found is None:
        row.error(C_CODE, f"{code} 不在{ctx.region.name}的企业库中，请先在企业库中登记该企业")
    return found


# --- visits ----------------------------------------------------------------------------------------------------

V_DATE, V_WAY, V_VISITORS, V_MET, V_NOTES = "走访日期", "方式", "走访人员", "接待人", "走访情况"


class VisitKind(ImportKind):
    code = "outreach_visits"
    title = "企业走访"
    import_perm = "outreach.import"
    export_perm = "outreach.export"
    key = (C_CODE, V_DATE, V_VISITORS)
    columns = (
        Column(C_CODE, credit_code, aliases=CODE_ALIASES, required=True, width=24, example="91450103MA5XXXXXXX",
               note="须为本区县企业库中的企业"),
        Column(C_NAME, Text(), width=30, example="（示例）某某科技有限公司", note="仅供核对，导入时不读取"),
        Column(V_DATE, Date(not_after_today=True), required=True, field="visited_on", width=12,
               example=lambda ctx: ctx.today),
        Column(V_WAY, Choice(VisitWay.choices, name="走访方式"), field="way", width=12, example="上门走访",
               note="上门走访、调研座谈或电话/线上；留空为上门走访"),
        Column(V_VISITORS, Text(max_length=200), required=True, field="visitors", width=24,
               example="区科技局局长张三、科员李四"),
        Column(V_MET, Text(max_length=100), field="met", width=16, example="总经理王五"),
        Column(V_NOTES, Text(max_length=3000), required=True, field="notes", width=60,
               example="了解企业研发投入和人才需求，宣讲研发费用加计扣除政策"),
    )
    instructions = (
        "每行一次走访：企业（统一社会信用代码）、走访日期、走访人员和走访情况必填。",
        "同一企业、同一日期、同一走访人员视为同一次走访：再次导入会更新该次走访，不会重复。",
        "走访中收集的需求请用“企业需求”导入（来源填“走访”），或在走访记录页面登记。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        _firms(ctx)
        stored = Visit.objects.filter(district=ctx.region).select_related("enterprise")
        ctx.cache["visits"] = {(v.enterprise.credit_code, v.visited_on, v.visitors): v for v in stored}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = _firm(row, ctx)
        if not row.ok or firm is None:
            return None
        data = {"visited_on": row[V_DATE], "way": row[V_WAY] or VisitWay.VISIT, "visitors": row[V_VISITORS],
                "met": row[V_MET] or "", "notes": row[V_NOTES]}
        stored = ctx.cache["visits"].get((row[C_CODE], row[V_DATE], row[V_VISITORS]))
        return Plan.decide(stored, data, firm=firm[0])

    def write(self, plan: Plan, ctx: Context) -> None:
        if plan.target is None:
            services.visit_create(actor=ctx.user, enterprise=Enterprise.objects.get(pk=plan.extra["firm"]),
                                  **plan.data)
        else:
            services.visit_update(visit=plan.target, actor=ctx.user, expected_version=None, **plan.data)

    def export_rows(self, ctx: Context):
        visits = ctx.limit(Visit.objects.all()).select_related("enterprise").order_by("-visited_on", "-id")
        for v in visits.iterator(chunk_size=2000):
            yield [v.enterprise.credit_code, v.enterprise.name, v.visited_on, v.get_way_display(), v.visitors, v.met,
                   v.notes]

    def back(self, ctx: Context) -> tuple[str, str]:
        return ("企业走访", reverse("outreach:visits"))


# --- needs -----------------------------------------------------------------------------------------------------

N_CATEGORY, N_TEXT, N_SOURCE, N_RAISED, N_STATUS = "需求类别", "需求内容", "来源", "提出日期", "状态"
N_OWNER, N_RESULT, N_CLOSED = "跟进人（用户名）", "办理结果/原因", "办结日期"


def _categories(ctx) -> list[tuple[str, str]]:
    return [(i.code, i.label) for i in dictionary.items("need_category") if i.enabled]


class NeedKind(ImportKind):
    code = "outreach_needs"
    title = "企业需求"
    import_perm = "outreach.import"
    export_perm = "outreach.export"
    key = (C_CODE, N_TEXT)
    columns = (
        Column(C_CODE, credit_code, aliases=CODE_ALIASES, required=True, width=24, example="91450103MA5XXXXXXX",
               note="须为本区县企业库中的企业"),
        Column(C_NAME, Text(), width=30, example="（示例）某某科技有限公司", note="仅供核对，导入时不读取"),
        Column(N_CATEGORY, Choice(_categories, name="需求类别"), required=True, field="category", width=12,
               example="人才"),
        Column(N_TEXT, Text(max_length=2000), required=True, field="description", width=50,
               example="引进嵌入式软件工程师2名"),
        Column(N_SOURCE, Choice(NeedSource.choices, name="需求来源"), field="source", width=12, example="走访",
               note="走访、问卷、热线/来电、活动、企业在线提出或其他；留空为走访"),
        Column(N_RAISED, Date(not_after_today=True), required=True, field="raised_on", width=12,
               example=lambda ctx: ctx.today),
        Column(N_STATUS, Choice(NeedStatus.choices, name="状态"), field="status", width=10, example="新提出",
               note="新提出、跟进中、已解决或无法解决；留空为新提出"),
        Column(N_OWNER, Text(max_length=150), field="owner", width=16,
               note="选填：本区县科技局人员或企业所在乡镇/街道专干的登录用户名"),
        Column(N_RESULT, Text(max_length=500), field="result", width=40, note="已解决写办理结果，无法解决写原因"),
        Column(N_CLOSED, Date(not_after_today=True), field="closed_on", width=12, note="已解决、无法解决的办结日期"),
    )
    instructions = (
        "每行一项企业需求：企业（统一社会信用代码）、需求类别、需求内容和提出日期必填。",
        "同一企业、同一需求内容视为同一项需求：再次导入可更换跟进人、推进状态，不会重复。",
        "状态按“新提出 → 跟进中 → 已解决 / 无法解决”推进，不能倒退；已解决须填办理结果，无法解决须填原因。",
        "跟进人填登录用户名，须为本区县科技局人员或企业所在乡镇/街道的专干。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        _firms(ctx)
        stored = Need.objects.filter(district=ctx.region).select_related("enterprise")
        ctx.cache["needs"] = {(n.enterprise.credit_code, n.description): n for n in stored}
        users = users_holding("outreach.follow").filter(Q(region=ctx.region) | Q(region__parent=ctx.region))
        ctx.cache["owners"] = {u.username: u for u in users}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = _firm(row, ctx)
        status = row[N_STATUS] or NeedStatus.NEW
        owner = None
        if row[N_OWNER]:
            owner = ctx.cache["owners"].get(row[N_OWNER])
            in_township = owner is not None and owner.region_id != ctx.region.pk  # a township's liaison
            if owner is None or (in_township and firm and owner.region_id != firm[1]):
                row.error(N_OWNER, f"“{row[N_OWNER]}”不是本区县科技局人员或该企业所在乡镇/街道的专干")
        hint = flow.needs_result(status)
        if hint and not row[N_RESULT]:
            row.error(N_RESULT, hint)
        if row[N_CLOSED] and row[N_RAISED] and row[N_CLOSED] < row[N_RAISED]:
            row.error(N_CLOSED, "办结日期不能早于提出日期")
        stored = ctx.cache["needs"].get((row[C_CODE], row[N_TEXT])) if row[C_CODE] else None
        if stored is not None and stored.status != status:
            refusal = flow.refusal(stored.status, status)
            if refusal:
                row.error(N_STATUS, refusal)
        if not row.ok or firm is None:
            return None
        if stored is None:
            data = {"category": row[N_CATEGORY], "source": row[N_SOURCE] or NeedSource.VISIT,
                    "raised_on": row[N_RAISED], "status": status, "owner": owner, "result": row[N_RESULT] or "",
                    "closed_on": row[N_CLOSED]}
            return Plan.decide(None, data, firm=firm[0], description=row[N_TEXT])
        data = {"category": row[N_CATEGORY], "status": status}
        if owner is not None:
            data["owner"] = owner
        return Plan.decide(stored, data, result=row[N_RESULT] or "", closed_on=row[N_CLOSED])

    def write(self, plan: Plan, ctx: Context) -> None:
        if plan.target is None:
            services.need_create(actor=ctx.user, enterprise=Enterprise.objects.get(pk=plan.extra["firm"]),
                                 description=plan.extra["description"], reason=ctx.reason, **plan.data)
            return
        need = Need.objects.get(pk=plan.target.pk)
        if plan.data["category"] != need.category:
            services.need_update(need=need, actor=ctx.user, expected_version=None, category=plan.data["category"],
                                 description=need.description, raised_on=need.raised_on)
        owner = plan.data.get("owner")
        if owner is not None and owner.pk != need.owner_id:
            services.need_assign(need=need, actor=ctx.user, owner=owner)
        if plan.data["status"] != need.status:
            services.need_move(need=need, actor=ctx.user, to=plan.data["status"], result=plan.extra["result"],
                               on=plan.extra["closed_on"])

    def export_rows(self, ctx: Context):
        labels = dict(dictionary.choices("need_category"))
        needs = ctx.limit(Need.objects.all()).select_related("enterprise", "owner").order_by("-raised_on", "-id")
        for n in needs.iterator(chunk_size=2000):
            yield [n.enterprise.credit_code, n.enterprise.name, labels.get(n.category, n.category), n.description,
                   n.get_source_display(), n.raised_on, n.get_status_display(),
                   n.owner.username if n.owner else None, n.result, n.closed_on]

    def back(self, ctx: Context) -> tuple[str, str]:
        return ("需求台账", reverse("outreach:needs"))


# --- questionnaire answers -------------------------------------------------------------------------------------


def questionnaires(ctx: Context):
    """The published rounds of the district the import goes to (in the user's scope), newest first."""
    if ctx.region is None:
        return Questionnaire.objects.none()
    return (ctx.limit(Questionnaire.objects.filter(district=ctx.region))
            .exclude(status=QuestionnaireStatus.DRAFT).order_by("-opens_on", "-id"))


def _questionnaire(ctx: Context) -> Questionnaire | None:
    pk = ctx.params.get("questionnaire")
    return questionnaires(ctx).filter(pk=pk).first() if pk else None


def _questions(ctx: Context) -> dict[int, Question]:
    """The chosen questionnaire's questions by their number (cached for the run)."""
    if "questions" not in ctx.cache:
        q = _questionnaire(ctx)
        ctx.cache["questions"] = {x.order: x for x in q.questions.all()} if q else {}
    return ctx.cache["questions"]


def _header(n: int) -> str:
    return f"第{n}题"


def _question_note(n: int):
    def note(ctx: Context) -> str:
        x = _questions(ctx).get(n)
        if x is None:
            return "本问卷没有此题，留空"
        text = f"{x.text}（{x.get_kind_display()}"
        if x.option_list:
            text += "：" + "、".join(x.option_list) + ("，多选用顿号分隔" if x.kind == "multi" else "")
        return text + ("，必答）" if x.required else "）")
    return note


class AnswerKind(ImportKind):
    code = "outreach_answers"
    title = "问卷答卷"
    import_perm = "outreach.import"
    export_perm = "outreach.export"
    key = (C_CODE,)
    params = (Param("questionnaire", "调查问卷", lambda ctx: [(q.pk, q.title) for q in questionnaires(ctx)]),)
    columns = (
        Column(C_CODE, credit_code, aliases=CODE_ALIASES, required=True, width=24, example="91450103MA5XXXXXXX",
               note="须为本区县企业库中的企业"),
        Column(C_NAME, Text(), width=30, example="（示例）某某科技有限公司", note="仅供核对，导入时不读取"),
        *(Column(_header(n), Text(max_length=answer_rules.MAX_TEXT), width=20, note=_question_note(n))
          for n in range(1, services.MAX_QUESTIONS + 1)),
    )
    instructions = (
        "每行一家企业的答卷（统一社会信用代码必填），每列一道题：第1题、第2题……；表头下的说明行写明了各题的题目和选项。",
        "单选题填一个选项，多选题的多个选项用顿号（、）分隔，选项须与问卷中的完全一致；数字题只填数字。",
        "必答题不能留空；问卷没有的题目列留空即可（也可删除这些列）。",
        "导入的答卷记为已提交（来源“导入”）；同一企业再次导入会更新其答卷，不会重复。",
        "指定了需求类别的题目，回答（“无”“否”等除外）记入需求台账（来源“问卷”），每份答卷每题只记一次。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        q = _questionnaire(ctx)
        if q is None:
            raise ValueError(f"questionnaire {ctx.params.get('questionnaire')!r} is not one of {ctx.region}")
        _firms(ctx)
        _questions(ctx)
        stored = {}
        for r in Response.objects.filter(questionnaire=q).select_related("enterprise"):
            stored[r.enterprise.credit_code] = r
        answers: dict[int, dict[int, str]] = {}
        for rid, qid, value in Response.objects.filter(questionnaire=q).values_list(
                "pk", "answers__question_id", "answers__value"):
            if qid is not None:
                answers.setdefault(rid, {})[qid] = value
        ctx.cache.update(questionnaire=q, responses=stored, answers=answers)

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = _firm(row, ctx)
        questions = _questions(ctx)
        values: dict[int, str] = {}
        for n in range(1, services.MAX_QUESTIONS + 1):
            header = _header(n)
            raw = row[header]
            x = questions.get(n)
            if x is None:
                if raw:
                    row.error(header, f"本问卷只有{len(questions)}道题，没有{header}，请留空")
                continue
            try:
                value = answer_rules.clean(x.kind, x.option_list, raw)
            except answer_rules.AnswerError as exc:
                row.error(header, exc.message)
                continue
            problem = answer_rules.missing_required(x.required, value)
            if problem:
                row.error(header, "必答题，不能留空")
            values[x.pk] = value
        if not row.ok or firm is None:
            return None
        stored = ctx.cache["responses"].get(row[C_CODE])
        same = (stored is not None and stored.submitted_at is not None
                and {k: v for k, v in ctx.cache["answers"].get(stored.pk, {}).items() if v}
                == {k: v for k, v in values.items() if v})
        if stored is None:
            return Plan.decide(None, {"values": values}, firm=firm[0])
        return Plan.decide(stored, {}, changed=not same, values=values, firm=firm[0])

    def write(self, plan: Plan, ctx: Context) -> None:
        values = plan.data.get("values") or plan.extra["values"]
        services.response_save(questionnaire=ctx.cache["questionnaire"],
                               enterprise=Enterprise.objects.get(pk=plan.extra["firm"]), actor=ctx.user,
                               values=values, submit=True, source=ResponseSource.IMPORT)

    def _rows(self, ctx: Context, q: Questionnaire):
        questions = _questions(ctx)
        responses = ctx.limit(Response.objects.filter(questionnaire=q)).select_related("enterprise")
        for r in responses.order_by("enterprise__name", "id"):
            values = dict(r.answers.values_list("question_id", "value"))
            cells = []
            for n in range(1, services.MAX_QUESTIONS + 1):
                x = questions.get(n)
                cells.append(answer_rules.shown(x.kind, values.get(x.pk, "")) or None if x else None)
            yield [r.enterprise.credit_code, r.enterprise.name, *cells]

    def export_rows(self, ctx: Context):
        q = _questionnaire(ctx)
        if q is None:
            raise ValueError("请选择区县和调查问卷")
        return self._rows(ctx, q)

    def back(self, ctx: Context) -> tuple[str, str]:
        pk = ctx.params.get("questionnaire")
        return ("调查问卷", reverse("outreach:questionnaire", kwargs={"pk": pk}) if pk else
                reverse("outreach:questionnaires"))


VISITS = VisitKind()
NEEDS = NeedKind()
ANSWERS = AnswerKind()



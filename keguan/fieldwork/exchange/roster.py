"""科技特派员 (roster) as import/export kinds (``keguan.exchange``): how a bureau brings in the sheets it keeps.

- ``fw_commissioners`` (特派员名册): one row per commissioner, keyed by 姓名/名称 within the district; a re-import
  updates. 登录账号 (a username) links an account of role 科技特派员/专家 of the district.
- ``fw_teams`` (专家服务团及成员): one row per member (服务团名称, 成员姓名, 首席专家 是/否, 分工); a team named for the
  first time is formed with the row's 类型/服务产业/组建日期; members are commissioners of the district's roster.
- ``fw_assignments`` (结对安排): 特派员或服务团 → a village (12-digit code) or a firm (credit code), with dates;
  keyed by (who, village code, credit code, 开始日期): a re-import changes the end date and the note.
- ``fw_village_flags`` (村级标识): a township liaison's list of villages with 12-digit codes and the three flags
  (重点产业发展村, 村级经济薄弱村, 乡村振兴驻点村, written 是/否 or √). Villages not yet in the region tree are
  created through ``keguan.regions.services.villages_create`` (as the village import does), then flagged.
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from django.urls import reverse

from keguan.accounts.models import User
from keguan.core import dictionary
from keguan.core.roles import Role
from keguan.enterprises.models import Enterprise
from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import CellError, Choice, Date, Integer, Text, as_text, credit_code, shown
from keguan.regions.models import Region, RegionLevel
from keguan.regions.services import villages_create

from ..models import (
    FLAGS,
    Assignment,
    Commissioner,
    Form,
    Kind,
    Level,
    Team,
    TeamKind,
    TeamMember,
    VillageInfo,
)
from ..services import roster as svc

YES_NO = Choice([(True, "是"), (False, "否")], accept_value=False, name="是/否",
                aliases={"√": "是", "✓": "是", "y": "是", "yes": "是", "1": "是", "×": "否", "n": "否", "no": "否",
                         "0": "否"})
C_NAME, C_FORM, C_LEVEL, C_BATCH, C_KIND, C_FIELD = "姓名/名称", "类型", "选派层级", "批次", "类别", "服务领域"
C_SPECIALTY, C_EMPLOYER, C_TITLE, C_PHONE = "专业特长", "派出单位", "职称/职务", "联系电话"
C_START, C_END, C_ACCOUNT, C_NOTE = "服务开始日期", "服务结束日期", "登录账号", "备注"


def _fields(ctx) -> list[tuple[str, str]]:
    return dictionary.choices("service_field")


def _source(ctx: Context) -> str:
    who = ctx.user.display_name if ctx.user is not None else "命令行"
    return f"{who}导入"[:32]


def _back(label: str, name: str) -> tuple[str, str]:
    return label, reverse(name)


class VillageCode:
    """A 12-digit statistical code (also when Excel stored it as a number)."""

    number_format = "@"

    def __call__(self, raw: object, ctx=None) -> str:
        code = as_text(raw).strip()
        if not (len(code) == 12 and code.isdigit()):
            raise CellError(f"“{shown(raw)}”应为12位数字")
        return code


# --- commissioners ------------------------------------------------------------------------------------------


class CommissionerKind(ImportKind):
    code = "fw_commissioners"
    title = "科技特派员名册"
    import_perm = "fieldwork.import"
    export_perm = "fieldwork.export"
    region_level = RegionLevel.COUNTY
    key = (C_NAME,)
    columns = (
        Column(C_NAME, Text(100), aliases=("姓名", "名称", "特派员姓名"), required=True, field="name", width=16,
               example="（示例）张三"),
        Column(C_FORM, Choice(Form.choices, aliases={"个人": "个人科技特派员", "法人": "法人科技特派员",
                                                     "团队": "团队科技特派员"}, name="类型"),
               field="form", width=16, example="个人科技特派员", note="个人、法人或团队科技特派员；空：个人"),
        Column(C_LEVEL, Choice(Level.choices, aliases={"省": "省级", "市": "市级", "区": "区县级", "县": "区县级",
                                                       "区级": "区县级", "县级": "区县级"}, name="选派层级"),
               required=True, field="level", width=10, example="市级"),
        Column(C_BATCH, Integer(min=1, max=999), field="batch", width=8, example=3, note="第N批，填数字"),
        Column(C_KIND, Choice(Kind.choices, aliases={"农业": "农业科技特派员", "工业": "工业（产业）科技特派员",
                                                     "产业": "工业（产业）科技特派员", "三区": "三区科技人才"},
                              name="类别"), required=True, field="kind", width=18, example="农业科技特派员"),
        Column(C_FIELD, Choice(_fields, name="服务领域"), field="field", width=12, example="种植业"),
        Column(C_SPECIALTY, Text(200), field="specialty", width=20),
        Column(C_EMPLOYER, Text(100), aliases=("工作单位", "单位"), field="employer", width=24,
               example="（示例）某某农业科学研究所"),
        Column(C_TITLE, Text(50), aliases=("职称", "职务"), field="title", width=14),
        Column(C_PHONE, Text(20), aliases=("电话", "手机"), field="phone", width=14, perm="fieldwork.export"),
        Column(C_START, Date(), required=True, field="start_on", width=12, example=lambda ctx: ctx.today),
        Column(C_END, Date(), field="end_on", width=12, note="空：仍在服务期"),
        Column(C_ACCOUNT, Text(150), aliases=("账号", "用户名"), field="user", width=14,
               note="可不填；填写时须为本区县角色为“科技特派员/专家”的用户名"),
        Column(C_NOTE, Text(500), field="note", width=20),
    )
    instructions = (
        "每行一名科技特派员（个人、法人或团队）：姓名/名称、选派层级、类别、服务开始日期必填。",
        "同一区县内按姓名/名称对应：名册中已有的按本行更新，没有的新增。",
        "登录账号填写本区县“科技特派员/专家”角色的用户名，关联后特派员可登录填报服务日志。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        stored: dict[str, list] = {}
        for c in Commissioner.objects.filter(district=ctx.region):
            stored.setdefault(c.name, []).append(c)
        ctx.cache["stored"] = stored
        ctx.cache["accounts"] = {u.username: u for u in User.objects.filter(role=Role.COMMISSIONER, region=ctx.region,
                                                                             is_active=True)}
        ctx.cache["linked"] = dict(Commissioner.objects.filter(user__isnull=False).values_list("user_id", "pk"))

    def check(self, row: Row, ctx: Context) -> Plan | None:
        name = row[C_NAME]
        found = ctx.cache["stored"].get(name, []) if name else []
        if len(found) > 1:
            row.error(C_NAME, f"名册中有{len(found)}名“{name}”，无法按姓名对应，请在页面上修改")
        stored = found[0] if len(found) == 1 else None
        user = None
        if row[C_ACCOUNT]:
            user = ctx.cache["accounts"].get(row[C_ACCOUNT])
            if user is None:
                row.error(C_ACCOUNT, f"“{row[C_ACCOUNT]}”不是本区县“科技特派员/专家”角色的账号")
            elif ctx.cache["linked"].get(user.pk) not in (None, stored.pk if stored else None):
                row.error(C_ACCOUNT, f"账号“{row[C_ACCOUNT]}”已关联其他特派员")
        if row[C_START] and row[C_END] and row[C_END] < row[C_START]:
            row.error(C_END, "服务结束日期不能早于服务开始日期")
        if not row.ok or name is None:
            return None
        data = {"form": row[C_FORM] or Form.PERSON, "level": row[C_LEVEL], "batch": row[C_BATCH], "kind": row[C_KIND],
                "start_on": row[C_START], "end_on": row[C_END]}
        for header, key in ((C_FIELD, "field"), (C_SPECIALTY, "specialty"), (C_EMPLOYER, "employer"),
                            (C_TITLE, "title"), (C_PHONE, "phone"), (C_NOTE, "note")):
            if row.has(header) and (row[header] is not None or header != C_PHONE):
                data[key] = row[header] or ""
        if row.has(C_ACCOUNT) and user is not None:
            data["user"] = user
        return Plan.decide(stored, data, name=name)

    def write(self, plan: Plan, ctx: Context) -> None:
        if plan.target is None:
            svc.commissioner_create(actor=ctx.user, district=ctx.region, name=plan.extra["name"], **plan.data)
        else:
            svc.commissioner_update(actor=ctx.user, commissioner=plan.target, reason=ctx.reason, **plan.data)

    def export_rows(self, ctx: Context):
        fields = dict(_fields(ctx))
        for c in ctx.limit(Commissioner.objects.select_related("user")).order_by("name", "pk"):
            yield [c.name, c.get_form_display(), c.get_level_display(), c.batch, c.get_kind_display(),
                   fields.get(c.field, c.field), c.specialty, c.employer, c.title, c.phone, c.start_on, c.end_on,
                   c.user.username if c.user else "", c.note]

    def back(self, ctx: Context):
        return _back("特派员名册", "fieldwork:roster")


COMMISSIONERS = CommissionerKind()


# --- teams and members --------------------------------------------------------------------------------------

T_NAME, T_KIND, T_INDUSTRIES, T_START, T_MEMBER, T_CHIEF, T_DUTY = (
    "服务团名称", "服务团类型", "服务产业", "组建日期", "成员姓名", "首席专家", "分工")


class TeamKindImport(ImportKind):
    code = "fw_teams"
    title = "专家服务团及成员"
    import_perm = "fieldwork.import"
    export_perm = "fieldwork.export"
    region_level = RegionLevel.COUNTY
    key = (T_NAME, T_MEMBER)
    columns = (
        Column(T_NAME, Text(100), aliases=("服务团", "名称"), required=True, field="name", width=28,
               example="（示例）茉莉花产业科技专家服务团"),
        Column(T_KIND, Choice(TeamKind.choices, name="服务团类型"), field="kind", width=16, example="科技专家服务团",
               note="科技专家服务团或首席专家帮扶团；空：科技专家服务团"),
        Column(T_INDUSTRIES, Text(200), field="industries", width=20, example="茉莉花"),
        Column(T_START, Date(), field="start_on", width=12, example=lambda ctx: ctx.today,
               note="新服务团必填（同一服务团填在任一行即可）"),
        Column(T_MEMBER, Text(100), aliases=("成员", "姓名"), field="commissioner", width=14, example="（示例）张三",
               note="须为本区县名册中的特派员；空：只登记服务团"),
        Column(T_CHIEF, YES_NO, aliases=("是否首席专家",), field="is_chief", width=10, example="是",
               note="每个服务团一名首席专家"),
        Column(T_DUTY, Text(100), field="duty", width=20),
    )
    instructions = (
        "每行一名成员：服务团名称必填，成员姓名须为本区县特派员名册中的姓名。",
        "服务团按名称对应：没有的新建（须填组建日期），已有的按本行更新类型、服务产业；成员已在团中的更新分工和首席专家。",
        "每个服务团只能有一名首席专家；表中指定的首席专家替换原首席专家。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        ctx.cache["teams"] = {t.name: t for t in Team.objects.filter(district=ctx.region)}
        names = Counter(Commissioner.objects.filter(district=ctx.region).values_list("name", flat=True))
        ctx.cache["dupes"] = {n for n, k in names.items() if k > 1}
        ctx.cache["people"] = {c.name: c for c in Commissioner.objects.filter(district=ctx.region)}
        ctx.cache["members"] = {(m.team_id, m.commissioner_id): m
                                for m in TeamMember.objects.filter(team__district=ctx.region)}
        ctx.cache["chiefs"] = {}
        ctx.cache["started"] = {}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        name = row[T_NAME]
        team = ctx.cache["teams"].get(name) if name else None
        if name and team is None:
            if row[T_START] is not None:
                ctx.cache["started"].setdefault(name, row[T_START])
            elif name not in ctx.cache["started"]:
                row.error(T_START, f"“{name}”是新服务团，请填写组建日期")
        person = None
        if row[T_MEMBER]:
            if row[T_MEMBER] in ctx.cache["dupes"]:
                row.error(T_MEMBER, f"名册中有多名“{row[T_MEMBER]}”，请在服务团页面上添加")
            person = ctx.cache["people"].get(row[T_MEMBER])
            if person is None:
                row.error(T_MEMBER, f"“{row[T_MEMBER]}”不在本区县特派员名册中，请先登记或导入名册")
        elif row[T_CHIEF]:
            row.error(T_CHIEF, "没有成员姓名，不能指定首席专家")
        if row[T_CHIEF] and name:
            first = ctx.cache["chiefs"].setdefault(name, row.number)
            if first != row.number:
                row.error(T_CHIEF, f"“{name}”的首席专家已在第{first}行指定，每个服务团只能有一名")
        if not row.ok or name is None:
            return None
        team_data = {k: v for k, v in (("kind", row[T_KIND]), ("industries", row[T_INDUSTRIES]),
                                       ("start_on", row[T_START])) if v is not None}
        member = ctx.cache["members"].get((team.pk, person.pk)) if team and person else None
        data = {"is_chief": bool(row[T_CHIEF]) or bool(member and member.is_chief), "duty": row[T_DUTY] or ""}
        if person is None:
            return Plan.decide(team, team_data, name=name, person=None, team_data=team_data)
        changed = team is not None and any(getattr(team, k) != v for k, v in team_data.items())
        return Plan.decide(member if team else None, data, changed=changed, name=name, person=person,
                           team_data=team_data)

    def _team(self, plan: Plan, ctx: Context) -> Team:
        name, data = plan.extra["name"], plan.extra["team_data"]
        team = ctx.cache["teams"].get(name)
        if team is None:
            data = {"start_on": ctx.cache["started"].get(name), **data}
            team = svc.team_create(actor=ctx.user, district=ctx.region, name=name, **data)
            ctx.cache["teams"][name] = team
        elif any(getattr(team, k) != v for k, v in data.items()):
            team = svc.team_update(actor=ctx.user, team=team, **data)
        return team

    def write(self, plan: Plan, ctx: Context) -> None:
        team = self._team(plan, ctx)
        person = plan.extra["person"]
        if person is None:
            return
        member = TeamMember.objects.filter(team=team, commissioner=person).first()
        if member is None:
            svc.team_member_add(actor=ctx.user, team=team, commissioner=person, **plan.data)
        else:
            svc.team_member_update(actor=ctx.user, member=member, reason=ctx.reason, **plan.data)

    def export_rows(self, ctx: Context):
        teams = ctx.limit(Team.objects.all()).order_by("name", "pk")
        members: dict[int, list[TeamMember]] = {}
        for m in TeamMember.objects.filter(team__in=teams).select_related("commissioner").order_by(
                "-is_chief", "commissioner__name"):
            members.setdefault(m.team_id, []).append(m)
        for t in teams:
            head = [t.name, t.get_kind_display(), t.industries, t.start_on]
            for m in members.get(t.pk, []) or [None]:
                yield head + ([m.commissioner.name, "是" if m.is_chief else "否", m.duty] if m else ["", "", ""])

    def back(self, ctx: Context):
        return _back("专家服务团", "fieldwork:teams")


TEAMS = TeamKindImport()


# --- assignments --------------------------------------------------------------------------------------------

A_WHO, A_VILLAGE, A_FIRM, A_START, A_END, A_NOTE = (
    "特派员或服务团", "村/社区代码（12位）", "企业统一社会信用代码", "开始日期", "结束日期", "备注")


class AssignmentKind(ImportKind):
    code = "fw_assignments"
    title = "结对安排"
    import_perm = "fieldwork.import"
    export_perm = "fieldwork.export"
    region_level = RegionLevel.COUNTY
    key = ()  # (特派员或服务团, 村/社区代码, 企业代码, 开始日期), one of the two codes empty: checked in ``check``
    columns = (
        Column(A_WHO, Text(100), aliases=("特派员", "特派员姓名", "服务团"), required=True, field="commissioner",
               width=20, example="（示例）张三", note="名册中的特派员姓名，或专家服务团名称"),
        Column(A_VILLAGE, VillageCode(), aliases=("村/社区代码", "村社区代码"), field="village", width=16,
               note="与企业二选一"),
        Column(A_FIRM, credit_code, aliases=("统一社会信用代码", "信用代码"), field="enterprise", width=22,
               note="工业（产业）特派员入企时填写；须为本区县企业库中的企业"),
        Column(A_START, Date(), required=True, field="start_on", width=12, example=lambda ctx: ctx.today),
        Column(A_END, Date(), field="end_on", width=12, note="空：仍在服务"),
        Column(A_NOTE, Text(300), field="note", width=24),
    )
    field_headers = {"team": A_WHO}
    instructions = (
        "每行一项结对：特派员（或服务团）联系一个村/社区（12位代码）或一家企业（统一社会信用代码），二者填一。",
        "同一特派员与同一村的结对时间不能重叠；按（特派员、村/企业、开始日期）对应，再次导入更新结束日期和备注。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        region = ctx.region
        names = Counter(Commissioner.objects.filter(district=region).values_list("name", flat=True))
        names.update(Team.objects.filter(district=region).values_list("name", flat=True))
        ctx.cache["dupes"] = {n for n, k in names.items() if k > 1}
        ctx.cache["people"] = {c.name: c for c in Commissioner.objects.filter(district=region)}
        ctx.cache["teams"] = {t.name: t for t in Team.objects.filter(district=region)}
        ctx.cache["villages"] = {v.code: v for v in Region.objects.filter(
            level=RegionLevel.VILLAGE, path__startswith=region.path).only("pk", "code", "name", "level", "path",
                                                                          "parent_id")}
        ctx.cache["firms"] = {e.credit_code: e for e in Enterprise.objects.filter(district=region).only(
            "pk", "name", "credit_code", "district_id", "township_id")}
        ctx.cache["seen"] = {}
        ctx.cache["stored"] = {
            (a.commissioner.name if a.commissioner else a.team.name, a.village.code if a.village else None,
             a.enterprise.credit_code if a.enterprise else None, a.start_on): a
            for a in Assignment.objects.filter(district=region).select_related("commissioner", "team", "village",
                                                                              "enterprise")}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        who = row[A_WHO]
        person = team = None
        if who:
            if who in ctx.cache["dupes"]:
                row.error(A_WHO, f"名册和服务团中有多个“{who}”，请在页面上登记")
            person = ctx.cache["people"].get(who)
            team = ctx.cache["teams"].get(who) if person is None else None
            if person is None and team is None:
                row.error(A_WHO, f"“{who}”不是本区县名册中的特派员，也不是服务团")
        village = firm = None
        has_village, has_firm = (row.raw(h) not in (None, "") for h in (A_VILLAGE, A_FIRM))
        if not has_village and not has_firm:
            row.error(A_VILLAGE, "请填写村/社区代码或企业统一社会信用代码（二选一）")
        elif has_village and has_firm:
            row.error(A_FIRM, "村/社区和企业只能填一个")
        elif row[A_VILLAGE]:
            village = ctx.cache["villages"].get(row[A_VILLAGE])
            if village is None:
                row.error(A_VILLAGE, f"{row[A_VILLAGE]} 不是{ctx.region.name}的村/社区（可先导入村级标识名单）")
        elif row[A_FIRM]:
            firm = ctx.cache["firms"].get(row[A_FIRM])
            if firm is None:
                row.error(A_FIRM, f"{row[A_FIRM]} 不在{ctx.region.name}的企业库中")
        if row[A_START] and row[A_END] and row[A_END] < row[A_START]:
            row.error(A_END, "结束日期不能早于开始日期")
        if not row.ok or who is None or row[A_START] is None:
            return None
        key = (who, row[A_VILLAGE], row[A_FIRM], row[A_START])
        first = ctx.cache["seen"].setdefault(key, row.number)
        if first != row.number:
            row.error(A_WHO, f"与第{first}行重复（同一特派员、同一服务对象、同一开始日期）")
            return None
        data = {"start_on": row[A_START], "end_on": row[A_END], "note": row[A_NOTE] or ""}
        return Plan.decide(ctx.cache["stored"].get(key), data, commissioner=person, team=team, village=village,
                           enterprise=firm)

    def write(self, plan: Plan, ctx: Context) -> None:
        if plan.target is None:
            svc.assignment_create(actor=ctx.user, district=ctx.region, **plan.extra, **plan.data)
        else:
            svc.assignment_update(actor=ctx.user, assignment=plan.target, reason=ctx.reason, **plan.data)

    def export_rows(self, ctx: Context):
        qs = ctx.limit(Assignment.objects.select_related("commissioner", "team", "village", "enterprise"))
        for a in qs.order_by("start_on", "pk"):
            yield [a.commissioner.name if a.commissioner else a.team.name, a.village.code if a.village else "",
                   a.enterprise.credit_code if a.enterprise else "", a.start_on, a.end_on, a.note]

    def back(self, ctx: Context):
        return _back("结对安排", "fieldwork:assignments")


ASSIGNMENTS = AssignmentKind()


# --- village flags ------------------------------------------------------------------------------------------

V_CODE, V_NAME, V_TOWN, V_INDUSTRIES = "村/社区代码（12位）", "村/社区名称", "所属乡镇/街道", "主导产业"
FLAG_HEADERS = tuple(label for _name, label in FLAGS)


class VillageFlagKind(ImportKind):
    code = "fw_village_flags"
    title = "村级标识（村/社区名单）"
    import_perm = "fieldwork.import"
    export_perm = "fieldwork.export"
    region_level = RegionLevel.COUNTY
    key = (V_CODE,)
    columns = (
        Column(V_CODE, VillageCode(), aliases=("村/社区代码", "村(社区)代码", "村社区代码", "统计用区划代码"),
               required=True, field="village", width=18, example=lambda ctx: _example(ctx)[0],
               note="12位统计用区划代码：前9位为所属乡镇/街道代码，后3位 001-199 为社区、200-399 为村"),
        Column(V_NAME, Text(64), aliases=("村(社区)名称", "村社区名称", "村/社区"), required=True, width=18,
               example="（示例）石岭村", note="新村/社区按此名称建立；已有的不改名（改名请用村/社区名单导入）"),
        Column(V_TOWN, Text(64), aliases=("乡镇/街道", "所属乡镇", "所属街道", "乡镇(街道)"), width=16,
               example=lambda ctx: _example(ctx)[1], note="可不填；填写时须与代码前9位一致"),
        *(Column(label, YES_NO, aliases=(label.removesuffix("村"),), field=name, width=14, example="否",
                 note="是/否（或 √）；空：否") for name, label in FLAGS),
        Column(V_INDUSTRIES, Text(100), field="industries", width=18, example="茉莉花"),
    )
    instructions = (
        "乡镇（街道）报来的村/社区名单：每行一个村/社区，12位代码和名称必填，三个标识填“是”或“否”（空为否）。",
        "名单中尚未建立的村/社区按代码和名称建立在所属乡镇/街道下；已有的按代码对应，更新标识和主导产业。",
        "代码前9位必须是本区县的乡镇/街道代码，后3位 001-199 为居委会/社区，200-399 为村委会。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        region = ctx.region
        ctx.cache["towns"] = {t.code: t for t in Region.objects.filter(path__startswith=region.path,
                                                                       level=RegionLevel.TOWNSHIP)}
        codes = sorted(k[0] for k in keys)
        stored = {}
        for i in range(0, len(codes), 2000):
            for r in Region.objects.filter(code__in=codes[i:i + 2000]).values("pk", "code", "level", "parent_id"):
                stored[r["code"]] = SimpleNamespace(**r)
        ctx.cache["stored"] = stored
        ctx.cache["info"] = {
            v["village__code"]: SimpleNamespace(**{k: v[k] for k in (*(n for n, _ in FLAGS), "industries")})
            for v in VillageInfo.objects.filter(district=region).values("village__code", "industries",
                                                                        *(n for n, _ in FLAGS))}
        ctx.cache["new"], ctx.cache["flags"] = {}, []

    def check(self, row: Row, ctx: Context) -> Plan | None:
        code, town_named = row[V_CODE], row[V_TOWN]
        if code is None:
            return None
        town = ctx.cache["towns"].get(code[:9])
        if town is None:
            row.error(V_CODE, f"前9位 {code[:9]} 不是{ctx.region.name}辖区内的乡镇/街道代码")
            return None
        if not 1 <= int(code[9:]) <= 399:
            row.error(V_CODE, f"后3位 {code[9:]} 不在 001-399 范围内（001-199 社区，200-399 村）")
        if town_named and town_named not in (town.name, town.code):
            row.error(V_TOWN, f"填写的“{town_named}”与代码对应的“{town.name}”不一致")
        stored = ctx.cache["stored"].get(code)
        if stored is not None and (stored.level != RegionLevel.VILLAGE or stored.parent_id != town.pk):
            row.error(V_CODE, f"代码 {code} 已被其他区划使用")
        if not row.ok or row[V_NAME] is None:
            return None
        info = ctx.cache["info"].get(code)
        data = {name: bool(row[label]) if row.has(label) else bool(info and getattr(info, name))
                for name, label in FLAGS}
        if row.has(V_INDUSTRIES) and row[V_INDUSTRIES] is not None:
            data["industries"] = row[V_INDUSTRIES]
        return Plan.decide(info, data, changed=stored is None, code=code, town=town, name=row[V_NAME])

    def write(self, plan: Plan, ctx: Context) -> None:
        if ctx.cache["stored"].get(plan.extra["code"]) is None:
            ctx.cache["new"].setdefault(plan.extra["town"].code, []).append((plan.extra["code"], plan.extra["name"]))
        ctx.cache["flags"].append((plan.extra["code"], plan.data))

    def finish(self, ctx: Context) -> None:
        towns = ctx.cache["towns"]
        for town_code, rows in sorted(ctx.cache["new"].items()):
            villages_create(township=towns[town_code], villages=rows, source=_source(ctx))
        codes = [code for code, _ in ctx.cache["flags"]]
        by_code = {v.code: v for v in Region.objects.filter(code__in=codes).select_related("parent__parent")}
        for code, data in ctx.cache["flags"]:
            svc.village_flags_set(actor=ctx.user, village=by_code[code], reason=ctx.reason,
                                  industries=data.get("industries"), **{n: data[n] for n, _ in FLAGS})

    def export_rows(self, ctx: Context):
        qs = ctx.limit(Region.objects.filter(level=RegionLevel.VILLAGE)).select_related("parent").order_by("code")
        info = {v.village_id: v for v in ctx.limit(VillageInfo.objects.all())}
        for v in qs.iterator(chunk_size=2000):
            i = info.get(v.pk)
            yield [v.code, v.name, v.parent.name if v.parent else "",
                   *("是" if i and getattr(i, n) else "否" for n, _ in FLAGS), i.industries if i else ""]

    def back(self, ctx: Context):
        return _back("村级覆盖", "fieldwork:coverage")


def _example(ctx: Context) -> tuple[str, str]:
    if ctx.region is None:
        return "", ""
    town = Region.objects.filter(path__startswith=ctx.region.path, level=RegionLevel.TOWNSHIP).order_by("code").first()
    return (f"{town.code}201", town.name) if town else ("", "")


VILLAGE_FLAGS = VillageFlagKind()

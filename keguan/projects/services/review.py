"""The only code that writes the expert pool and the review (专家库、评审): experts and their conflicts, the
assignment of reviewers (``keguan.rules.reviewer_assign``), the bureau's overrides, the experts' scores and
the closing of a call's review. Each service runs in one transaction; experts and assignments keep their
history (django-simple-history)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.core.permissions import may
from keguan.core.versioning import claim
from keguan.projects.models import Application, Assignment, Call, Conflict, Expert, Score, Status
from keguan.rules import reviewer_assign as rule

CENT = Decimal("0.01")


# --- the expert pool -------------------------------------------------------------------------------------------


def clean_fields(codes: Iterable[str]) -> str:
    """Field codes of the dictionary ``project_field``, deduplicated, in the dictionary's order."""
    known = [i.code for i in dictionary.items("project_field")]
    wanted = {c.strip() for c in codes if c and c.strip()}
    unknown = wanted - set(known)
    if unknown:
        raise ServiceError(f"未知的专业领域：{'、'.join(sorted(unknown))}", field="fields")
    if not wanted:
        raise ServiceError("请至少选择一个专业领域", field="fields")
    return ",".join(c for c in known if c in wanted)


@transaction.atomic
def expert_save(
    *, actor, expert: Expert, name: str, employer: str, fields: Iterable[str], title: str = "", phone: str = "",
    available: bool = True, note: str = "", enterprise=None, organisation=None, user=None,
    version: int | None = None,
) -> Expert:
    """Create (``expert.pk`` None, ``expert.region`` set) or update an expert of the pool. ``user``: the login
    account (科技特派员/专家) the expert scores with, optional, one expert per account."""
    if expert.pk is not None:
        claim(expert, version)
    if not (name or "").strip():
        raise ServiceError("请填写姓名", field="name")
    if not (employer or "").strip():
        raise ServiceError("请填写工作单位", field="employer")
    if enterprise is not None and organisation is not None:
        raise ServiceError("所在企业和所在机构只能填一个", field="organisation")
    if user is not None:
        if not may(user, "projects.review"):
            raise ServiceError("只能关联能评审项目的账号（角色为“科技特派员/专家”）", field="user")
        other = Expert.objects.filter(user=user).exclude(pk=expert.pk).first()
        if other is not None:
            raise ServiceError(f"该账号已关联专家{other.name}", field="user")
    expert.fields = clean_fields(fields)
    expert.name, expert.employer = name.strip(), employer.strip()
    expert.title, expert.phone, expert.note = (title or "").strip(), (phone or "").strip(), (note or "").strip()
    expert.available, expert.enterprise, expert.organisation, expert.user = bool(available), enterprise, organisation, user
    stamp(expert, actor, "入库" if expert.pk is None else "修改专家信息")
    expert.save()
    return expert


@transaction.atomic
def expert_set_available(*, actor, expert: Expert, available: bool) -> Expert:
    claim(expert, None)
    expert.available = bool(available)
    stamp(expert, actor, "可参加评审" if available else "暂不参加评审")
    expert.save(update_fields=["available", "version"])
    return expert


@transaction.atomic
def conflict_add(*, actor, expert: Expert, enterprise=None, organisation=None, reason: str = "") -> Conflict:
    """A conflict of interest the expert declared, with a firm or an institute (exactly one)."""
    if (enterprise is None) == (organisation is None):
        raise ServiceError("请填写回避的企业（统一社会信用代码）或选择回避的机构（二者选一）", field="party")
    party = {"enterprise": enterprise} if enterprise is not None else {"organisation": organisation}
    if Conflict.objects.filter(expert=expert, **party).exists():
        raise ServiceError(f"已登记与{enterprise or organisation}的回避关系", field="party")
    conflict = Conflict.objects.create(expert=expert, reason=(reason or "").strip()[:200], **party)
    claim(expert, None)
    stamp(expert, actor, f"登记回避：{enterprise or organisation}")
    expert.save(update_fields=["version"])
    return conflict


@transaction.atomic
def conflict_remove(*, actor, conflict: Conflict) -> None:
    expert = conflict.expert
    claim(expert, None)
    stamp(expert, actor, f"撤销回避：{conflict}")
    expert.save(update_fields=["version"])
    conflict.delete()


# --- assignment ------------------------------------------------------------------------------------------------


def applicant_keys(application: Application) -> frozenset[rule.Key]:
    if application.enterprise_id:
        return frozenset({("ent", application.enterprise_id)})
    return frozenset({("org", application.organisation_id)})


def _party_keys(pairs: Iterable[tuple[int | None, int | None]]) -> frozenset[rule.Key]:
    out = set()
    for ent, org in pairs:
        if ent:
            out.add(("ent", ent))
        if org:
            out.add(("org", org))
    return frozenset(out)


def pool_of(call: Call):
    """The experts who may review the call's applications: the pool of the call's bureau."""
    return Expert.objects.filter(region=call.region)


def reviewers_of(experts) -> list[rule.Reviewer]:
    """The experts as the rule sees them (two queries)."""
    experts = list(experts)
    conflicts: dict[int, list[tuple[int | None, int | None]]] = {}
    for e, ent, org in Conflict.objects.filter(expert__in=[x.pk for x in experts]).values_list(
            "expert_id", "enterprise_id", "organisation_id"):
        conflicts.setdefault(e, []).append((ent, org))
    return [rule.Reviewer(x.pk, frozenset(x.field_codes), _party_keys([(x.enterprise_id, x.organisation_id)]),
                          _party_keys(conflicts.get(x.pk, [])), x.available) for x in experts]


def _open(call: Call) -> None:
    if call.review_closed_at is not None:
        raise ServiceError(f"本通知的专家评审已于{timezone.localtime(call.review_closed_at):%Y年%-m月%-d日}结束")


@transaction.atomic
def assign_reviewers(*, actor, call: Call) -> rule.Result:
    """Give each application of ``call`` in 专家评审 the call's number of reviewers (keeping the ones it has)."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    _open(call)
    apps = list(Application.objects.filter(call=call, status=Status.REVIEW).order_by("pk"))
    if not apps:
        raise ServiceError("本通知还没有进入专家评审的项目")
    existing: dict[int, list[int]] = {}
    for a, e in Assignment.objects.filter(application__in=apps).values_list("application_id", "expert_id"):
        existing.setdefault(a, []).append(e)
    result = rule.assign([rule.App(a.pk, a.field, applicant_keys(a)) for a in apps], reviewers_of(pool_of(call)),
                         call.reviewers_per_application, existing=existing)
    rows = [Assignment(application_id=a, expert_id=e, assigned_by=actor)
            for a, ids in result.assigned.items() for e in ids]
    for row in rows:  # (bulk_create skips the history; the assignment's creation is its history)
        row.assigned_at = timezone.now()
    Assignment.objects.bulk_create(rows)
    return result


def barred_reason(expert: Expert, application: Application) -> str | None:
    """Why ``expert`` may never review ``application`` (own organisation, a declared conflict), or None."""
    keys = applicant_keys(application)
    if keys & _party_keys([(expert.enterprise_id, expert.organisation_id)]):
        return f"{expert.name}是申报单位的人员，须回避"
    pairs = expert.conflicts.values_list("enterprise_id", "organisation_id")
    if keys & _party_keys(pairs):
        return f"{expert.name}已声明与申报单位存在利益关系，须回避"
    return None


@transaction.atomic
def assignment_override(*, actor, application: Application, expert: Expert, reason: str) -> Assignment:
    """The bureau picks a reviewer by hand (e.g. outside the field): the reason is required, and a conflict is
    still refused."""
    _open(application.call)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("人工指定专家须填写理由", field="reason")
    if application.status != Status.REVIEW:
        raise ServiceError(f"项目当前为“{application.get_status_display()}”，不在专家评审阶段")
    if expert.region_id != application.call.region_id:
        raise ServiceError("该专家不在本通知所属科技局的专家库中", field="expert")
    if not expert.available:
        raise ServiceError(f"{expert.name}已设为暂不参加评审", field="expert")
    barred = barred_reason(expert, application)
    if barred:
        raise ServiceError(barred, field="expert")
    if Assignment.objects.filter(application=application, expert=expert).exists():
        raise ServiceError(f"{expert.name}已是本项目的评审专家", field="expert")
    a = Assignment(application=application, expert=expert, override=reason[:200], assigned_by=actor)
    stamp(a, actor, f"人工指定：{reason[:100]}")
    a.save()
    return a


@transaction.atomic
def assignment_remove(*, actor, assignment: Assignment) -> None:
    assignment = Assignment.objects.select_for_update().select_related("application__call").get(pk=assignment.pk)
    _open(assignment.application.call)
    if assignment.submitted_at is not None:
        raise ServiceError("专家已提交评分，不能再移除该评审任务")
    stamp(assignment, actor, "移除评审任务")
    assignment.delete()


# --- scoring ---------------------------------------------------------------------------------------------------


@transaction.atomic
def score_submit(*, actor, assignment: Assignment, scores: Mapping[int, int | str | None], comment: str) -> Assignment:
    """The expert's scores (criterion id → 0–100) and comment; the weighted total by the call's weights. Once
    submitted, or once the call's review is closed, nothing can change."""
    assignment = Assignment.objects.select_for_update().select_related("application__call", "expert").get(
        pk=assignment.pk)
    call = assignment.application.call
    if actor is not None and assignment.expert.user_id != actor.pk:
        raise ServiceError("只能为分配给自己的项目评分")
    _open(call)
    if assignment.submitted_at is not None:
        raise ServiceError("评分已提交，不能再修改")
    criteria = list(call.criteria.all())
    if not criteria:
        raise ServiceError("本通知尚未设置评审指标，请联系科技局")
    values: dict[int, int] = {}
    for c in criteria:
        raw = scores.get(c.pk)
        if raw in (None, ""):
            raise ServiceError(f"请为“{c.name}”打分", field=f"c{c.pk}")
        try:
            v = int(str(raw).strip())
        except ValueError:
            raise ServiceError(f"“{c.name}”的得分须为0–100的整数", field=f"c{c.pk}") from None
        if not 0 <= v <= 100:
            raise ServiceError(f"“{c.name}”的得分须在0–100之间", field=f"c{c.pk}")
        values[c.pk] = v
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError("请填写评审意见", field="comment")
    total = rule.weighted_total(values, {c.pk: c.weight for c in criteria})
    Score.objects.filter(assignment=assignment).delete()
    Score.objects.bulk_create([Score(assignment=assignment, criterion_id=k, value=v) for k, v in values.items()])
    assignment.comment = comment[:3000]
    assignment.total = Decimal(str(total)).quantize(CENT)
    assignment.submitted_at = timezone.now()
    stamp(assignment, actor, "提交评分")
    assignment.save()
    return assignment


@transaction.atomic
def review_close(*, actor, call: Call) -> Call:
    """结束评审: the scores lock and the experts no longer see the call's applications."""
    claim(call, None)
    _open(call)
    call.review_closed_at = timezone.now()
    stamp(call, actor, "结束专家评审")
    call.save(update_fields=["review_closed_at", "version"])
    return call

"""The scope walker's view of 企业库 (see ``keguan.core.scope_walk``)."""

from __future__ import annotations

from keguan.core.scope_walk import (
    BUREAU_SIDE,
    EDITORS,
    ENTERPRISE_USERS,
    PERSONAS,
    TODAY,
    Kwarg,
    Walk,
    Write,
    enterprise_anchor,
    status,
)
from keguan.regions.scope_walk import csv_upload
from keguan.rules.identifiers import credit_code_check_char

from .models import Stage

FIGURES = {
    "employees": 120, "st_staff": 25, "sales_revenue": "3100", "total_cost": "2600",  # money in 万元
    "rd_domestic": "160", "rd_abroad": "0", "total_assets": "4100", "net_assets": "2100",
    "hightech_income": "2100", "ip_class1": 2, "ip_class2": 4,
}


def credit_code(district: str, n: int) -> str:
    """A valid 统一社会信用代码 for test firm ``n`` of a district."""
    first17 = f"91{district}{n:08d}0"
    return first17 + credit_code_check_char(first17)


def enterprise_profile(e) -> dict:
    return {
        "name": "范围测试改名有限公司", "credit_code": e.credit_code, "legal_rep": "张三", "registered_on": "",
        "address": "", "district": e.district_id, "township": e.township_id or "",
        "industry_code": e.industry_code, "tech_field": e.tech_field, "size_class": e.size_class,
        "contact_name": "", "contact_phone": "",
    }


def new_enterprise(district) -> dict:
    return {
        "name": "范围测试新建有限公司", "credit_code": credit_code(district.code, 77), "legal_rep": "",
        "registered_on": "", "address": "", "district": district.pk, "township": "", "industry_code": "39",
        "tech_field": "", "size_class": "", "contact_name": "", "contact_phone": "",
    }


def enterprise_import(e) -> dict:
    """A row updating ``e`` by its credit code (the import files rows under the user's own district)."""
    return {"file": csv_upload("企业.csv", [["企业名称", "统一社会信用代码"], ["范围测试导入有限公司", e.credit_code]])}


def drop_qualifications(e) -> None:
    """A firm with qualification records takes its stage from them; the manual change needs a firm without."""
    for related in ("sme_records", "hnte_certificates", "pool_memberships"):
        manager = getattr(e, related, None)
        if manager is not None:
            manager.all().delete()


def detach_contacts(e) -> None:
    type(e).contacts.field.model.objects.filter(enterprise=e).update(enterprise=None)


def clear_for_delete(e) -> None:
    """Staff delete only a firm without records: the positive control of 删除 drops the scene's records."""
    detach_contacts(e)
    for rel in reversed(type(e)._meta.related_objects):  # certificates before their applications
        if rel.one_to_many and rel.name != "contacts":
            rows = getattr(e, rel.get_accessor_name()).all()
            if rel.name == "stage_changes":
                rows = rows.exclude(pk=rows.order_by("pk")[0].pk) if rows.exists() else rows
            rows.delete()
    from .services import protected_hidden_relations

    for rel in protected_hidden_relations():
        rel.related_model._base_manager.filter(**{rel.field.name: e}).delete()


def deleted(e) -> None:
    """撤销删除 needs a deleted firm."""
    from .services import enterprise_delete

    clear_for_delete(e)
    # a fresh instance: deleting sets the pk of the instance to None, and ``e`` is the scene's
    enterprise_delete(enterprise=type(e).objects.get(pk=e.pk), actor=None)


def _tag_firm(e) -> dict:
    from keguan.core.models import DictItem

    # a change every time: the firm's tags become the one it does not have now
    watch, invest = (DictItem.objects.get(kind="enterprise_tag", code=c) for c in ("key_watch", "investment"))
    tag = invest if e.tags.filter(pk=watch.pk).exists() else watch
    return {"ids": [e.pk], "tags": [tag.pk], "mode": "set"}


WALK = Walk(
    pk_kinds={"enterprises": "enterprise"},
    kwargs={
        "label_pk": Kwarg("enterprise", lambda e: e.labels.order_by("pk")[0].pk, True, 987654321),
        "year": Kwarg("enterprise", lambda e: e.years.order_by("-year")[0].year, False, 1991),
    },
    writes={
        "enterprises:create": Write(EDITORS, new_enterprise, target="district"),
        "enterprises:edit": Write(EDITORS | ENTERPRISE_USERS, enterprise_profile),
        "enterprises:delete": Write(EDITORS, lambda e: {}, prepare=clear_for_delete),
        "enterprises:restore": Write(EDITORS, lambda e: {}, prepare=deleted),
        # the ticked firms are read through the scope: another district's firm is left alone (the page says none)
        "enterprises:batch_tags": Write(EDITORS, _tag_firm, target="enterprise"),
        "enterprises:stage_change": Write(EDITORS, lambda e: {"stage": Stage.LEADER, "on": TODAY, "note": "范围测试"},
                                          prepare=drop_qualifications),
        "enterprises:label_add": Write(EDITORS, lambda e: {"kind": "srdi", "level": "provincial", "year": 2024}),
        "enterprises:label_remove": Write(EDITORS, lambda e: {}),
        "enterprises:year_create": Write(EDITORS | ENTERPRISE_USERS, lambda e: {"year": 2023, **FIGURES}),
        "enterprises:year_edit": Write(EDITORS | ENTERPRISE_USERS, lambda e: {"year": 2024, **FIGURES}),
        "enterprises:year_delete": Write(EDITORS, lambda e: {}),
    },
    page_shows={"enterprises:list": "enterprise", "enterprises:export": "enterprise"},
    page_status={
        "enterprises:list": status(set(PERSONAS)),  # enterprise users land on their own record
        # exports are a permission of their own: a commissioner/expert only views (and never gets contacts)
        "enterprises:export": status(BUREAU_SIDE - {"expert"}),
        "enterprises:mine": status(ENTERPRISE_USERS, refused=404),
        "enterprises:batch_tags": status(EDITORS),  # (the ticked firms are read through the scope: see test_list_kit)
    },
    anchors={
        "enterprises.Enterprise": enterprise_anchor,
        "enterprises.EnterpriseLabel": lambda x: enterprise_anchor(x.enterprise),
        "enterprises.EnterpriseYear": lambda x: enterprise_anchor(x.enterprise),
        "enterprises.StageChange": lambda x: enterprise_anchor(x.enterprise),
        "enterprises.DistrictStageCount": lambda x: (x.district, None),
    },
)

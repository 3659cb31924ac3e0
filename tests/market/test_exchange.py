"""The national registration system's export as it comes: aliases, units from the header, regions by code or
name, re-import by 合同登记号 moving a party; a bad row named by row and column changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keguan.core.errors import ImportRejected
from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.exchange.registry import get_kind
from keguan.market import exchange as mx
from keguan.market.models import Award, ContractSide, Result, TechContract
from tests.conftest import workbook

# the headers as the national system writes them (登记编号, 技术合同类别, 认定登记日期, 成交金额 in 元)
NATIONAL = ["登记编号", "合同名称", "技术合同类别", "卖方名称", "卖方所在地区", "买方名称", "买方所在地区", "认定登记日期",
            "成交金额（元）", "技术交易额（元）", "登记机构", "备注"]


def rows():
    return [
        ["2024450100000001", "智能控制系统开发", "技术开发合同", "青秀测试科技有限公司", "450103", "江南某制造厂",
         "南宁市江南区", "2024-03-05", 1200000, 1000000, "南宁市技术市场", "x"],
        ["2024450100000002", "检测服务", "技术服务", "外省大学", "北京市海淀区", "青秀第二材料有限公司", "青秀区",
         dt.date(2024, 4, 8), "50万元", 300000, "", ""],
        ["2024450100000003", "工艺咨询", "咨询", "南宁某研究所", "南宁市", "江南邻区机械有限公司", "450105",
         "2024/5/6", 80000, 80000, "", ""],
    ]


def test_registered_for_the_engine():
    assert get_kind("market_contracts") is mx.CONTRACTS
    assert get_kind("market_results") is mx.RESULTS and get_kind("market_awards") is mx.AWARDS


@pytest.mark.django_db
def test_a_national_export_as_it_comes(world):
    checked = run_import(mx.CONTRACTS, workbook(rows(), NATIONAL), "登记系统导出.xlsx",
                         Context(user=world.city_user, region=world.city))
    assert checked.added == 3 and "备注" in checked.layout.ignored
    one = TechContract.objects.get(number="2024450100000001")
    assert one.kind == "development" and one.contract_amount == Decimal("1200000.00")
    assert one.seller_region == world.a and one.buyer_region == world.b and one.seller_enterprise == world.ent_a
    two = TechContract.objects.get(number="2024450100000002")
    assert two.contract_amount == Decimal("500000.00") and two.seller_region is None and two.seller_area == "北京市海淀区"
    assert two.buyer_enterprise == world.ent_a2
    sides = sorted(ContractSide.objects.values_list("contract__number", "side", "district__code"))
    assert sides == [("2024450100000001", "absorb", "450105"), ("2024450100000001", "output", "450103"),
                     ("2024450100000002", "absorb", "450103"),
                     ("2024450100000003", "absorb", "450105"), ("2024450100000003", "output", None)]


@pytest.mark.django_db
def test_reimport_by_number_moves_a_party_and_its_side(world):
    ctx = Context(user=world.city_user, region=world.city)
    run_import(mx.CONTRACTS, workbook(rows(), NATIONAL), "a.xlsx", ctx)
    moved = rows()
    moved[0][6] = "450103"  # the buyer is in 青秀区 after all
    checked = run_import(mx.CONTRACTS, workbook(moved, NATIONAL), "b.xlsx", Context(user=world.city_user,
                                                                                    region=world.city))
    assert (checked.added, checked.updated, checked.unchanged) == (0, 1, 2)
    assert TechContract.objects.count() == 3
    assert sorted(ContractSide.objects.filter(contract__number="2024450100000001")
                  .values_list("side", "district__code")) == [("absorb", "450103"), ("output", "450103")]


@pytest.mark.django_db
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(world):
    bad = rows()
    bad[1][9] = 600000  # 技术交易额 above 成交金额
    bad[2][4] = "南宁市不存在区"  # a place of the province that is not in it
    bad.append(["2024450100000009", "x", "技术秘密", "甲", "450103", "乙", "450105", "2024-02-30", "abc", 1, "", ""])
    checked = check_file(mx.CONTRACTS, workbook(bad, NATIONAL), "bad.xlsx", Context(user=world.city_user,
                                                                                     region=world.city))
    found = {(row, header) for row, header, _msg in checked.errors}
    assert (3, "技术交易额（万元）") in found
    assert (4, "卖方所在地区") in found
    assert {(5, "合同类别"), (5, "登记日期"), (5, "合同成交额（元）")} <= found
    with pytest.raises(ImportRejected):
        run_import(mx.CONTRACTS, workbook(bad, NATIONAL), "bad.xlsx", Context(user=world.city_user, region=world.city))
    assert TechContract.objects.count() == 0 and ContractSide.objects.count() == 0


@pytest.mark.django_db
def test_a_district_imports_only_contracts_it_is_party_to(world):
    mine = rows()[:1]
    theirs = [["2024450100000005", "x", "技术开发", "甲", "450105", "乙", "北京市", "2024-02-03", 100, 100, "", ""]]
    checked = check_file(mx.CONTRACTS, workbook(mine + theirs, NATIONAL), "d.xlsx",
                         Context(user=world.staff, region=world.a))
    assert [(r, h) for r, h, _m in checked.errors] == [(3, "买方所在地区")]
    run_import(mx.CONTRACTS, workbook(mine, NATIONAL), "d.xlsx", Context(user=world.staff, region=world.a))
    assert TechContract.objects.get().created_by == world.staff


@pytest.mark.django_db
def test_results_and_awards_sheets(world):
    res = workbook([["新型材料制备技术", "", "应用技术成果", "新材料", world.ent_a.name, world.ent_a.credit_code,
                     "2024-06-01", ""]], [c.header for c in mx.RESULTS.columns])
    run_import(mx.RESULTS, res, "r.xlsx", Context(user=world.staff, region=world.a))
    assert Result.objects.get().enterprise == world.ent_a
    aw = workbook([[2024, "大赛", "第十三届中国创新创业大赛（广西赛区）", "自治区级", "节能电机", "二等奖", world.ent_a.name,
                    "", "2024-09-01"]], [c.header for c in mx.AWARDS.columns])
    run_import(mx.AWARDS, aw, "a.xlsx", Context(user=world.staff, region=world.a))
    a = Award.objects.get()
    assert (a.kind, a.level, a.prize, a.district) == ("contest", "province", "二等奖", world.a)

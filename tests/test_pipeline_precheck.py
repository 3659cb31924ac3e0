"""The district pre-check's fast path gives what the rules give: money read as whole cents computed by the
database (``selectors.Cents``) equals the model fields on SQLite (binary floats) and PostgreSQL (exact
decimals), and amounts the database cannot give exactly fall back to the model fields; the status, score and
explanation of every firm are the rules' own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from keguan.enterprises.models import EnterpriseYear, Stage
from keguan.enterprises.services import enterprise_create, year_figures_save
from keguan.pipeline.assess import FIGURE_FIELDS, assess_enterprise, year_figures
from keguan.pipeline.selectors import CENTS_COLUMNS, PrecheckFilters, precheck_run
from keguan.rules.explain import Status
from tests.conftest import credit_code

TODAY = timezone.localdate()
LAST = TODAY.year - 1

AMOUNTS = [
    "0.00", "0.01", "0.07", "0.29", "1.10", "3.35", "1234.56", "123456.78", "2000000.07", "50000000.00",
    "99999999.99", "123456789012.34", "9999999999999.99", "10000000000000.00", "12345678901234.56",
]


def _firm(world, n: int, amount: Decimal, **over):
    e = enterprise_create(
        actor=None, name=f"测试{n:02d}科技有限公司", credit_code=credit_code(world.a.code, 300 + n), district=world.a,
        tech_field="electronic", registered_on=dt.date(2012, 1, 1), stage=Stage.POOL,
    )
    for year in (LAST - 2, LAST - 1, LAST):
        values = dict(
            employees=100, st_staff=20, sales_revenue=amount, total_cost=amount, rd_domestic=Decimal(0),
            rd_abroad=Decimal(0), total_assets=amount, net_assets=-amount if n % 2 else amount,
            hightech_income=Decimal(0), ip_class1=0, ip_class2=3,
        )
        year_figures_save(enterprise=e, actor=None, year=year, **{**values, **over})
    return e


def test_cents_are_the_model_fields(world):
    firms = [_firm(world, n, Decimal(a)) for n, a in enumerate(AMOUNTS)]
    rows = EnterpriseYear.objects.filter(enterprise__in=firms).order_by("pk")
    exact = list(rows.values_list("pk", *FIGURE_FIELDS))
    cents = list(rows.values_list("pk", *CENTS_COLUMNS))
    assert [r[0] for r in exact] == [r[0] for r in cents]
    money = {i for i, name in enumerate(FIGURE_FIELDS, start=1) if name not in ("employees", "st_staff")}
    for model, db in zip(exact, cents, strict=True):
        for i, (value, in_cents) in enumerate(zip(model[1:], db[1:], strict=True), start=1):
            if isinstance(value, Decimal) and i in money:
                if in_cents is None:  # only where SQLite's float cannot hold the cents exactly
                    assert connection.vendor == "sqlite" and abs(value) >= Decimal("1e13")
                else:
                    assert type(in_cents) is int and in_cents == value * 100
            else:
                assert in_cents == value


def _explained(world, rule: str) -> dict[str, tuple]:
    check = precheck_run(user=world.staff, filters=PrecheckFilters(rule=rule))
    check.explain(check.candidates)
    for c in check.candidates:  # the rules' inputs are the figures in yuan, digit for digit
        assert repr(c.years()) == repr([year_figures(r[0], r[1:12]) for r in c.figures()])
    return {c.name: (c.status, c.in_cents, c.lacks, [tuple(map(str, r)) for r in sorted(c.figures())])
            for c in check.candidates}


def _expected(enterprise, rule: str) -> tuple:
    rows = list(EnterpriseYear.objects.filter(enterprise=enterprise))
    a = assess_enterprise(enterprise, rows=rows, on=TODAY)
    result = a.hnte if rule == "hnte" else a.tech_sme
    return result.status, rows


def test_precheck_matches_the_rules_on_every_amount(world):
    firms = [_firm(world, n, Decimal(a)) for n, a in enumerate(AMOUNTS)]
    if connection.vendor == "sqlite":
        # A value off the cent, as an import or a hand edit of the file could leave: SQLite keeps the float,
        # the model field rounds it; the pre-check must read it as the model field does.
        table = connection.ops.quote_name(EnterpriseYear._meta.db_table)
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {table} SET sales_revenue = 1234.565, total_cost = 1234.565, total_assets = 1234.565, "
                        f"net_assets = 1234.565 WHERE enterprise_id = %s", [firms[6].pk])
    for rule in ("tech_sme", "hnte"):
        shown = _explained(world, rule)
        for n, e in enumerate(firms):
            status, rows = _expected(e, rule)
            got = shown[e.name]
            assert got[0] is status, (rule, e.name)
            # read through the model fields only where the database cannot give the cents exactly
            assert got[1] is not (connection.vendor == "sqlite" and (n == 6 or Decimal(AMOUNTS[n]) >= Decimal("1e13")))
            # the figures the explanations use are the model fields, digit for digit (the rule's years)
            used = range(LAST, LAST + 1) if rule == "tech_sme" else range(LAST - 2, LAST + 1)
            model = sorted((r.year, *(getattr(r, f) for f in FIGURE_FIELDS), None) for r in rows if r.year in used)
            assert got[3] == [tuple(map(str, r)) for r in model]


def test_uncertain_firms_are_explained_as_the_rules_do(world, login):
    """高企 candidates whose innovation score alone is open: the page words it without running the rules."""
    for n in range(3):
        _firm(world, 40 + n, Decimal("60000000.00"), rd_domestic=Decimal(3_000_000 + n * 1_000_000),
              hightech_income=Decimal(45_000_000), ip_class2=2 + n)
    check = precheck_run(user=world.staff, filters=PrecheckFilters(rule="hnte"))
    uncertain = [c for c in check.candidates if c.status is Status.UNCERTAIN]
    assert uncertain
    check.explain(uncertain)
    for c in uncertain:
        assert c.result is None  # not asked
        fast = c.lacks
        c.result = c.run("hnte", check.on)
        assert fast == c.lacks and "取决于专家评分" in fast


def test_lacks_is_what_the_full_result_says(world):
    """The list explains each firm from the rules' first unmet condition and the screen's count of failed
    conditions: the same sentence as from the rules' full result."""
    cent = Decimal("0.01")
    for n, amount in enumerate(AMOUNTS):
        a = Decimal(amount)
        _firm(world, n, a, st_staff=n % 25, ip_class1=n % 3 // 2, ip_class2=n % 5,
              rd_domestic=(a * (n % 9) / 100).quantize(cent), hightech_income=(a * Decimal("0.7")).quantize(cent))
    for rule in ("tech_sme", "hnte"):
        check = precheck_run(user=world.staff, filters=PrecheckFilters(rule=rule))
        check.explain(check.candidates)
        fast = [c.lacks for c in check.candidates]
        for c in check.candidates:
            c.result = c.run(rule, check.on)
        assert fast == [c.lacks for c in check.candidates]
        assert len({c.status for c in check.candidates}) > 1


def test_total_income_decides_the_high_tech_share_where_it_is_given(world, login):
    """A firm whose high-tech income is 75% of sales but only 50% of its 总收入: it passes the 60% condition
    while 总收入 is blank (the result says sales stood in) and fails once 总收入 is recorded — in the self-check,
    the pre-check's fast path and its explanation alike."""
    firm = _firm(world, 60, Decimal("60000000.00"), rd_domestic=Decimal(4_000_000), hightech_income=Decimal(45_000_000))

    def share(result):
        return next(c for c in result.hnte.conditions if c.code == "hightech_income")

    def listed():
        check = precheck_run(user=world.staff, filters=PrecheckFilters(rule="hnte"))
        (c,) = [c for c in check.candidates if c.pk == firm.pk]
        check.explain([c])
        return c

    before = share(assess_enterprise(firm))
    assert before.passed is True and "占销售收入（未填总收入）" in before.message
    assert "高新技术产品（服务）收入" not in listed().lacks
    for year in (LAST - 2, LAST - 1, LAST):
        row = firm.years.get(year=year)
        year_figures_save(enterprise=firm, actor=None, year=year, version=row.version, total_income=Decimal(90_000_000))
    after = share(assess_enterprise(firm))
    assert after.passed is False and "占总收入" in after.message
    c = listed()
    assert c.in_cents and c.status is Status.FAILED and "占总收入9000万元的50%，低于60%" in c.lacks
    c.result = c.run("hnte", TODAY)
    assert "占总收入9000万元的50%，低于60%" in c.lacks
    # the registry refuses a 总收入 below sales
    row = firm.years.get(year=LAST)
    try:
        year_figures_save(enterprise=firm, actor=None, year=LAST, version=row.version, total_income=Decimal(50_000_000))
    except Exception as exc:
        assert "总收入不能小于销售收入" in str(exc)
    else:
        raise AssertionError("expected a refusal")

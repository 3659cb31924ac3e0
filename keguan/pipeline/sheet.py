"""Firms' figures in a table (.xlsx/.csv), as a statistics office or a park keeps them: one row per firm, the
three fiscal years side by side ("2025年从业人员（人）" …). Read into the rules' inputs for ``keguan assess``;
nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from keguan.core.excel import build_xlsx
from keguan.core.tabular import Row
from keguan.rules.explain import STAFF_FIELDS, TECH_FIELDS, FirmFacts, YearFigures, tech_field_label
from keguan.rules.hnte import HNTE_2016, HnteEstimates
from keguan.rules.identifiers import validate_credit_code

C_NAME, C_CODE, C_DATE, C_FIELD, C_CERT = (
    "企业名称",
    "统一社会信用代码",
    "注册日期",
    "高新技术领域",
    "高企证书发证日期",
)
#: Recorded facts and 科小's direct qualifications: 是/否, blank = not recorded (the result says so).
FACT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("major_accident", "重大安全或质量事故（是/否）"),
    ("environmental_offence", "严重环境违法行为（是/否）"),
    ("research_misconduct", "科研严重失信行为（是/否）"),
    ("abnormal_or_dishonest", "列入经营异常名录或严重违法失信名单（是/否）"),
    ("prohibited_product", "产品属于禁止、限制和淘汰类（是/否）"),
    ("national_award", "近五年获国家级科技奖励且排名前三（是/否）"),
    ("rd_institution", "拥有省部级以上研发机构（是/否）"),
    ("led_standard", "近五年主导制定国际、国家或行业标准（是/否）"),
)
#: The experts' parts of the 高企 innovation score, as staff estimate them (blank = not estimated: the whole range).
C_IP_ADV, C_IP_CORE, C_IP_OBTAINED, C_STANDARDS = (
    "知识产权技术先进程度（A–E）", "知识产权对主要产品的核心支持作用（A–E）", "知识产权获得方式（自主研发/受让）",
    "参与编制标准数（项）",
)
RD_ORG_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (f"rd_org_{code}", f"{name}得分（0–{top}）") for code, name, top in HNTE_2016.rd_org_parts
)
RD_ORG_TOP = {f"rd_org_{code}": top for code, _name, top in HNTE_2016.rd_org_parts}
ESTIMATE_COLUMNS = [C_IP_ADV, C_IP_CORE, C_IP_OBTAINED, C_STANDARDS, *(h for _, h in RD_ORG_COLUMNS)]
CONVERSIONS = ("科技成果转化数", "项")  # a per-year estimate column: "2025年科技成果转化数（项）"
FIRM_COLUMNS = [C_NAME, C_CODE, C_DATE, C_FIELD, C_CERT]
EXTRA_COLUMNS = [*(h for _, h in FACT_COLUMNS), *ESTIMATE_COLUMNS]
EXAMPLE_MARK = "（示例）"
YES, NO = {"是", "有", "y", "yes", "1", "√", "true"}, {"否", "无", "n", "no", "0", "×", "false"}

#: Per year: (YearFigures field, column label, unit). Money in 万元.
YEAR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("employees", "从业人员", "人"),
    ("st_staff", "科技人员", "人"),
    ("sales_revenue", "销售收入", "万元"),
    ("total_income", "总收入", "万元"),
    ("total_cost", "成本费用总额", "万元"),
    ("rd_domestic", "境内研发费用", "万元"),
    ("rd_abroad", "境外研发费用", "万元"),
    ("hightech_income", "高新技术产品（服务）收入", "万元"),
    ("total_assets", "资产总额", "万元"),
    ("net_assets", "净资产", "万元"),
    ("ip_class1", "Ⅰ类知识产权", "件"),
    ("ip_class2", "Ⅱ类知识产权", "件"),
)
#: Blank cells that mean zero (or, for 总收入, "use sales"), rather than "not given".
BLANK_DEFAULTS = {"rd_abroad": Decimal(0), "ip_class1": 0, "ip_class2": 0, "total_income": None}
WAN = Decimal(10000)


def year_header(year: int, label: str, unit: str, *, ascii_parens: bool = False) -> str:
    return f"{year}年{label}({unit})" if ascii_parens else f"{year}年{label}（{unit}）"


def headers_for(years: list[int]) -> list[str]:
    return [*FIRM_COLUMNS, *EXTRA_COLUMNS,
            *(year_header(y, label, unit) for y in years for _, label, unit in (*YEAR_COLUMNS, ("conversions", *CONVERSIONS)))]


def optional_headers(on: dt.date) -> list[str]:
    """Every header the reader knows: the firm's columns and year columns for the ten years before ``on``
    (with Chinese or ASCII parentheses)."""
    out = FIRM_COLUMNS[1:] + EXTRA_COLUMNS
    for year in range(on.year - 10, on.year + 1):
        for _, label, unit in (*YEAR_COLUMNS, ("conversions", *CONVERSIONS)):
            out += [year_header(year, label, unit), year_header(year, label, unit, ascii_parens=True)]
    return out


def template_xlsx(on: dt.date) -> bytes:
    years = [on.year - 3, on.year - 2, on.year - 1]
    example: list[object] = [
        f"{EXAMPLE_MARK}某某科技有限公司",
        "914403001922038216",
        dt.date(2016, 5, 1),
        "电子信息",
        None,
        *(["否"] * len(FACT_COLUMNS)),
        "B", "A", "自主研发", 0, 5, 4, 3, 3,
    ]
    counts = {"employees": 120, "st_staff": 30, "ip_class1": 0, "ip_class2": 6}
    money = {
        "sales_revenue": 8000,
        "total_cost": 6500,
        "rd_domestic": 420,
        "rd_abroad": 0,
        "hightech_income": 5600,
        "total_assets": 9000,
        "net_assets": 5200,
    }
    for i, _year in enumerate(years):
        grow = Decimal(1) + Decimal("0.15") * i  # a firm growing 15% a year
        for name, _, _ in YEAR_COLUMNS:
            if name in counts:
                example.append(counts[name])
            elif name in money:
                example.append((money[name] * grow).quantize(Decimal("0.01")))
            else:
                example.append(None)  # 总收入: blank, sales are used
        example.append(2 + i)  # 科技成果转化数
    fields_text = "、".join(f"{label}（{unit}）" for _, label, unit in YEAR_COLUMNS)
    note = "\n".join(
        [
            "科小、高企预审数据表 填写说明（keguan assess 读取；只计算，不保存任何数据）",
            "",
            "1. 每家企业一行，三个会计年度并排：列名为“年度+指标+单位”，如“2025年从业人员（人）”“2025年销售收入（万元）”。",
            f"   本模板的年度为 {years[0]}–{years[-1]} 年，即在 {on.year} 年评价（申报）时使用的会计年度；"
            "其他年度可把列名中的年份改掉（读取时认近十年的列，括号用中文或英文均可）。",
            f"2. 每个年度的指标：{fields_text}。",
            "   金额单位为万元（可带小数，精确到元）；从业人员、科技人员填全年月平均数（可保留两位小数，如 45.5），"
            "知识产权件数填整数。",
            "   境外研发费用、知识产权数留空按0计；总收入留空时按销售收入计；其他指标留空视为未填报（结果为“数据不全”）。",
            "   某一年度的全部指标都留空，视为该年度没有数据（如当年尚未成立）。",
            f"3. {C_NAME}必填；{C_CODE}可空，填写时校验校验位；{C_DATE}写成 2016-05-01；"
            f"{C_FIELD}填八大领域之一：" + "、".join(label for _, label in TECH_FIELDS) + "。",
            f"4. {C_CERT}：持有有效期内的高新技术企业证书的企业填写发证日期，科小据此直接认定；其他企业留空。",
            "5. 科小按评价日期上一年度的数据评价；高企按申报日期前三个会计年度（注册不满三年的按实际年数）预审，"
            "创新能力评分中由专家评判的部分按分值区间计。",
            "6. 登记事项与直接认定条件（“是/否”列）：填“是”或“否”；不清楚的留空，结果中注明“未登记，按无计”，"
            "不会当作已核实。",
            "7. 专家评判部分的估计（知识产权先进程度和核心支持作用填 A–E，获得方式填“自主研发”或“受让”，"
            "参与编制标准数、研发组织管理各项得分和各年度科技成果转化数填整数）：留空为未估计，按该项的分值区间计。",
            f"8. 以“{EXAMPLE_MARK}”开头的行是示例，不计算；可删除。",
            "9. 运行：keguan assess 文件.xlsx [--on 2026-05-31]；每家企业输出一行 JSON（科小、高企的结果与逐项说明）。"
            "有错误的行输出 error 和行号，其余行照常计算；有任何错误行时命令以非零状态退出。",
        ]
    )
    return build_xlsx(
        title="企业年度数据",
        headers=headers_for(years),
        rows=[example],
        widths=[32, 22, 12, 16, 14, *([16] * len(EXTRA_COLUMNS)), *([14] * ((len(YEAR_COLUMNS) + 1) * len(years)))],
        note=note,
    )


@dataclass
class FirmRow:
    """One row read: the firm's facts and figures, or the problems found (column, message)."""

    number: int
    name: str
    credit_code: str = ""
    facts: FirmFacts | None = None
    years: list[YearFigures] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    example: bool = False
    estimates: HnteEstimates | None = None
    unrecorded: tuple[str, ...] = ()  # the fact columns left blank (their labels)


def _date(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = (
        str(value)
        .strip()
        .replace("/", "-")
        .replace(".", "-")
        .replace("年", "-")
        .replace("月", "-")
        .rstrip("日")
    )
    return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))


def _number(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = str(value).strip().replace(",", "").replace("，", "")
    try:
        result = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError from exc
    if not result.is_finite():
        raise ValueError
    return result


def read_firm(row: Row, on: dt.date, year_columns: dict[int, dict[str, str]]) -> FirmRow:
    """A table row as the rules' inputs. ``year_columns``: year → field → the header that holds it."""
    name = row.text(C_NAME)
    out = FirmRow(row.number, name, example=name.startswith(EXAMPLE_MARK))
    if not name:
        out.errors.append((C_NAME, "企业名称不能为空"))
    elif len(name) > 128:
        out.errors.append((C_NAME, "企业名称过长（最多128字）"))
    code = row.text(C_CODE)
    if code:
        checked = validate_credit_code(code)
        if checked.ok:
            out.credit_code = checked.value
        else:
            out.credit_code = code
            out.errors.append((C_CODE, checked.errors[0]))
    dates: dict[str, dt.date | None] = {}
    for header in (C_DATE, C_CERT):
        try:
            dates[header] = _date(row.values.get(header))
        except ValueError:
            out.errors.append((header, f"“{row.text(header)}”不是有效日期，请写成 2016-05-01"))
    tech = None
    if row.text(C_FIELD):
        try:
            tech = tech_field_label(row.text(C_FIELD))
        except ValueError:
            names = "、".join(label for _, label in TECH_FIELDS)
            out.errors.append((C_FIELD, f"“{row.text(C_FIELD)}”不是高新技术领域（应为：{names}）"))
    for year, columns in sorted(year_columns.items()):
        values: dict[str, object] = {}
        for name_, header in columns.items():
            if name_ == "conversions":
                continue  # an estimate (``_estimates``), not a figure
            raw = row.values.get(header)
            if raw in (None, ""):
                continue
            unit = next(u for f, _, u in YEAR_COLUMNS if f == name_)
            try:
                number = _number(raw)
            except ValueError:
                out.errors.append((header, f"“{row.text(header)}”不是数字"))
                continue
            if unit == "万元":
                values[name_] = (number * WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            elif name_ in STAFF_FIELDS:  # full-year monthly averages: up to two decimals
                if number < 0 or number != number.quantize(Decimal("0.01")):
                    out.errors.append((header, f"“{row.text(header)}”应为不小于0、最多两位小数的全年月平均数"))
                else:
                    values[name_] = int(number) if number == number.to_integral_value() else number.quantize(Decimal("0.01"))
            elif number != number.to_integral_value():
                out.errors.append((header, f"“{row.text(header)}”应为整数"))
            else:
                values[name_] = int(number)
        if not values:
            continue  # the whole year is blank: no figures that year
        figures = {f: values.get(f, BLANK_DEFAULTS.get(f)) for f, _, _ in YEAR_COLUMNS}
        out.years.append(YearFigures(year=year, **figures))  # type: ignore[arg-type]
    flags, unrecorded = _facts(row, out.errors)
    estimates = _estimates(row, year_columns, out.errors)
    if not out.errors:
        out.facts = FirmFacts(
            assessed_on=on,
            registered_on=dates.get(C_DATE),
            tech_field=tech,
            hnte_certificate_issued_on=dates.get(C_CERT),
            unrecorded=frozenset(unrecorded),
            **flags,
        )
        out.estimates = estimates
        out.unrecorded = tuple(h for name, h in FACT_COLUMNS if name in unrecorded)
    return out


def _facts(row: Row, errors: list[tuple[str, str]]) -> tuple[dict[str, bool], set[str]]:
    """The fact columns: 是/否 (有/无, Y/N, 1/0, √/×); blank = not recorded."""
    flags: dict[str, bool] = {}
    unrecorded: set[str] = set()
    for name, header in FACT_COLUMNS:
        text = row.text(header).strip().lower()
        if not text:
            unrecorded.add(name)
        elif text in YES:
            flags[name] = True
        elif text in NO:
            flags[name] = False
        else:
            errors.append((header, f"“{row.text(header)}”应填“是”或“否”（不清楚的留空）"))
    return flags, unrecorded


def _whole(row: Row, header: str, top: int | None, errors: list[tuple[str, str]]) -> int | None:
    """A whole-number estimate cell (0 … ``top``): None when blank or wrong (then said in ``errors``)."""
    raw = row.values.get(header)
    if raw in (None, ""):
        return None
    try:
        number = _number(raw)
    except ValueError:
        errors.append((header, f"“{row.text(header)}”不是数字"))
        return None
    if number != number.to_integral_value() or number < 0 or (top is not None and number > top):
        errors.append((header, f"“{row.text(header)}”应为{'0–' + str(top) + '的' if top is not None else '非负'}整数"))
        return None
    return int(number)


def _estimates(row: Row, year_columns: dict[int, dict[str, str]], errors: list[tuple[str, str]]) -> HnteEstimates | None:
    """The experts' parts as estimated in the sheet; None when none is given."""
    given: dict[str, object] = {}
    letters = [band for band, _, _ in HNTE_2016.expert_bands]
    for name, header in (("ip_advancement", C_IP_ADV), ("ip_core_support", C_IP_CORE)):
        text = row.text(header).strip().upper()
        if text:
            if text in letters:
                given[name] = text
            else:
                errors.append((header, f"“{row.text(header)}”应为 {'、'.join(letters)} 之一（留空为未估计）"))
    text = row.text(C_IP_OBTAINED).strip()
    if text:
        ways = {"自主研发": "own", "自主": "own", "受让": "bought", "受让、受赠和并购等": "bought", "并购": "bought",
                "受赠": "bought"}
        if text in ways:
            given["ip_obtained"] = ways[text]
        else:
            errors.append((C_IP_OBTAINED, f"“{text}”应为“自主研发”或“受让”（含受赠、并购）"))
    counts = [("standards_drafted", C_STANDARDS, None), *((name, header, RD_ORG_TOP[name]) for name, header in RD_ORG_COLUMNS)]
    for name, header, top in counts:
        number = _whole(row, header, top, errors)
        if number is not None:
            given[name] = number
    conversions = {}
    for year, columns in year_columns.items():
        header = columns.get("conversions")
        number = _whole(row, header, None, errors) if header else None
        if number is not None:
            conversions[year] = number
    if conversions:
        given["conversions"] = conversions
    return HnteEstimates(**given) if given else None


def year_columns_of(headers: set[str], on: dt.date) -> dict[int, dict[str, str]]:
    """year → field → header, for the year columns present in ``headers``."""
    out: dict[int, dict[str, str]] = {}
    for year in range(on.year - 10, on.year + 1):
        for name, label, unit in (*YEAR_COLUMNS, ("conversions", *CONVERSIONS)):
            for header in (year_header(year, label, unit), year_header(year, label, unit, ascii_parens=True)):
                if header in headers:
                    out.setdefault(year, {})[name] = header
    return out

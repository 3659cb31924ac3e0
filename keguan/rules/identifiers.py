"""Identifiers: 统一社会信用代码 (GB 32100-2015), 公民身份号码 (GB 11643-1999), phone numbers.

Pure Python. Each validator returns a ``CheckResult`` whose ``errors`` are Chinese sentences a bureau
clerk can act on; ``warnings`` do not reject the value.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class CheckResult:
    value: str
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors


def normalize_credit_code(raw: str) -> str:
    """Strip blanks (including full-width ones) and upper-case; full-width letters/digits become ASCII."""
    text = (raw or "").strip().replace("\u3000", "").replace(" ", "")
    text = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)
    return text.upper()


def credit_code_check_char(first17: str) -> str:
    """The 18th character for the first 17 (all from the 31-character alphabet)."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    check = 31 - total % 31
    return CREDIT_ALPHABET[0 if check == 31 else check]


def _org_code_check(org8: str) -> str | None:
    values = []
    for c in org8:
        if c.isdigit():
            values.append(int(c))
        elif "A" <= c <= "Z":
            values.append(ord(c) - ord("A") + 10)
        else:
            return None
    check = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True)) % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def validate_credit_code(raw: str) -> CheckResult:
    code = normalize_credit_code(raw)
    if not code:
        return CheckResult(code, ("统一社会信用代码不能为空",))
    if len(code) != 18:
        return CheckResult(code, (f"统一社会信用代码应为18位，当前为{len(code)}位",))
    bad = sorted({c for c in code if c not in CREDIT_ALPHABET})
    if bad:
        shown = "、".join(bad)
        return CheckResult(code, (f"统一社会信用代码含有不允许的字符：{shown}（不使用 I、O、S、V、Z）",))
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return CheckResult(code, (f"统一社会信用代码校验位错误：第18位应为 {expected}，实际为 {code[17]}",))
    warnings: list[str] = []
    org_check = _org_code_check(code[8:16])
    if org_check is not None and org_check != code[16]:
        warnings.append(f"组织机构代码部分（第9-17位）校验位应为 {org_check}，请核对")
    return CheckResult(code, (), tuple(warnings))


def validate_id_number(raw: str) -> CheckResult:
    code = normalize_credit_code(raw)
    if len(code) != 18:
        return CheckResult(code, (f"公民身份号码应为18位，当前为{len(code)}位",))
    if not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        return CheckResult(code, ("公民身份号码前17位应为数字，第18位为数字或X",))
    try:
        _dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return CheckResult(code, (f"公民身份号码中的出生日期 {code[6:14]} 不是有效日期",))
    expected = _ID_CHECK[sum(int(c) * w for c, w in zip(code[:17], _ID_WEIGHTS, strict=True)) % 11]
    if code[17] != expected:
        return CheckResult(code, (f"公民身份号码校验位错误：第18位应为 {expected}，实际为 {code[17]}",))
    return CheckResult(code)


def mask_id_number(code: str) -> str:
    return code[:6] + "********" + code[-4:] if len(code) == 18 else "*" * len(code)


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_phone(raw: str) -> str:
    text = (raw or "").strip().replace(" ", "").replace("—", "-").replace("－", "-")
    if text.startswith("+86"):
        text = text[3:].lstrip("-")
        # The international form drops a landline's leading 0: +86 771 5551234 is 0771-5551234.
        if text and not text.startswith("0") and not _MOBILE.match(text):
            text = "0" + text
    return text


def validate_phone(raw: str) -> CheckResult:
    phone = normalize_phone(raw)
    if not phone:
        return CheckResult(phone, ("联系电话不能为空",))
    if _MOBILE.match(phone) or _LANDLINE.match(phone):
        return CheckResult(phone)
    return CheckResult(
        phone, (f"联系电话“{raw}”格式不正确：手机号为11位（以1开头），座机如 0771-5551234",)
    )


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else phone


# GB/T 2260 province-level codes (the first two digits of a region code, and of digits 3–8 of a credit code).
PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省", "22": "吉林省",
    "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省",
    "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区",
    "82": "澳门特别行政区",
}


def credit_code_province(code: str) -> str | None:
    """The province of a credit code's registration authority (digits 3–8), or None when the code names none
    (000000, as for some central bodies) or an unknown one."""
    authority = (code or "")[2:8]
    if len(authority) < 6 or not authority.isdigit():
        return None
    return PROVINCES.get(authority[:2])

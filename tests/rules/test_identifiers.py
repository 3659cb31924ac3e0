"""统一社会信用代码, 公民身份号码 and phone numbers (RULES.md §3). Pure Python: no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keguan.rules.identifiers import (
    CREDIT_ALPHABET,
    CREDIT_WEIGHTS,
    credit_code_check_char,
    mask_id_number,
    mask_phone,
    normalize_credit_code,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)

VALID_CREDIT_CODES = ["914403001922038216", "9144030071526726XG", "91330100716105852F"]
FORBIDDEN = "IOSVZ"


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- 统一社会信用代码 -------------------------------------------------------------------------------


def test_alphabet_and_weights_are_the_official_ones():
    assert CREDIT_ALPHABET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(CREDIT_ALPHABET) == 31
    assert not set(FORBIDDEN) & set(CREDIT_ALPHABET)
    assert CREDIT_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_worked_examples_are_valid(code):
    result = validate_credit_code(code)
    assert result.ok, result.errors
    assert result.value == code
    assert result.errors == ()


def test_worked_example_sum_and_check():
    # RULES.md: S = 831, 831 mod 31 = 25, check 6
    code = "914403001922038216"
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS, strict=True))
    assert total == 831
    assert total % 31 == 25
    assert credit_code_check_char(code[:17]) == "6"
    assert credit_code_check_char("9144030071526726X") == "G"
    assert credit_code_check_char("91330100716105852") == "F"


def test_wrong_check_character_is_rejected_with_expected_char_named():
    result = validate_credit_code("914403001922038217")
    assert not result.ok
    (message,) = result.errors
    assert "校验位" in message
    assert "应为 6" in message
    assert "实际为 7" in message


@pytest.mark.parametrize("bad", list(FORBIDDEN))
@pytest.mark.parametrize("position", [0, 5, 12, 17])
def test_forbidden_letters_are_rejected(bad, position):
    code = list("914403001922038216")
    code[position] = bad
    result = validate_credit_code("".join(code))
    assert not result.ok
    (message,) = result.errors
    assert "不允许的字符" in message
    assert bad in message
    assert "I、O、S、V、Z" in message


def test_forbidden_letters_lowercase_are_rejected_too():
    result = validate_credit_code("91440300192203821o")
    assert not result.ok
    assert "O" in result.errors[0]


@pytest.mark.parametrize(
    "code",
    [
        "91440300192203821",  # 17
        "9144030019220382166",  # 19
        "9",
        "91440300192203821" + "6" * 10,
    ],
)
def test_wrong_length_is_rejected_and_names_the_length(code):
    result = validate_credit_code(code)
    assert not result.ok
    (message,) = result.errors
    assert "18位" in message
    assert f"当前为{len(code)}位" in message


@pytest.mark.parametrize("blank", ["", "   ", "\u3000", None])
def test_empty_credit_code_is_rejected(blank):
    result = validate_credit_code(blank)
    assert not result.ok
    assert "不能为空" in result.errors[0]


@pytest.mark.parametrize(
    "raw",
    [
        " 914403001922038216 ",
        "9144 0300 1922 0382 16",
        "\u3000914403001922038216\u3000",
        "9144\u30000300192203\u30008216",
        to_fullwidth("914403001922038216"),
        "９１４４０３００１９２２０３８２１６",
    ],
)
def test_normalisation_of_blanks_and_fullwidth(raw):
    assert normalize_credit_code(raw) == "914403001922038216"
    result = validate_credit_code(raw)
    assert result.ok, result.errors
    assert result.value == "914403001922038216"


@pytest.mark.parametrize(
    "raw",
    [
        "9144030071526726xg",
        "9144030071526726Xg",
        to_fullwidth("9144030071526726xg"),
        "９１４４０３００７１５２６７２６ＸＧ",
    ],
)
def test_normalisation_of_lowercase_and_fullwidth_letters(raw):
    result = validate_credit_code(raw)
    assert result.ok, result.errors
    assert result.value == "9144030071526726XG"


def test_normalised_value_is_returned_even_when_invalid():
    result = validate_credit_code(" 91440300192203821７ ")
    assert result.value == "914403001922038217"
    assert not result.ok


def test_org_code_mismatch_is_a_warning_not_a_rejection():
    # positions 9–17 = "00000001" + "0": the GB 11714 check of 00000001 is 9, not 0.
    first17 = "91450103" + "00000001" + "0"
    code = first17 + credit_code_check_char(first17)
    result = validate_credit_code(code)
    assert result.ok
    assert result.errors == ()
    assert len(result.warnings) == 1
    assert "组织机构代码" in result.warnings[0]
    assert "9" in result.warnings[0]


def test_org_code_with_correct_check_has_no_warning():
    first17 = "91450103" + "00000001" + "9"
    code = first17 + credit_code_check_char(first17)
    result = validate_credit_code(code)
    assert result.ok
    assert result.warnings == ()
    for code in VALID_CREDIT_CODES:
        assert validate_credit_code(code).warnings == ()


def test_org_code_check_10_is_x_and_11_is_0():
    # 9144030071526726XG: org code 71526726, check X (C = 10)
    assert validate_credit_code("9144030071526726XG").warnings == ()
    # org8 = "00000000": S = 0, C = 11 → "0"
    first17 = "914501030000000" + "00"
    ok17 = first17[:16] + "0"
    assert validate_credit_code(ok17 + credit_code_check_char(ok17)).warnings == ()
    bad17 = first17[:16] + "1"
    assert validate_credit_code(bad17 + credit_code_check_char(bad17)).warnings


alphabet_chars = st.sampled_from(CREDIT_ALPHABET)
first17s = st.text(alphabet=alphabet_chars, min_size=17, max_size=17)


@given(first17s)
def test_any_17_chars_with_computed_check_is_valid(first17):
    code = first17 + credit_code_check_char(first17)
    assert len(code) == 18
    result = validate_credit_code(code)
    assert result.ok, result.errors
    assert result.value == code


@given(first17s)
def test_check_value_matches_the_formula(first17):
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    value = CREDIT_ALPHABET.index(credit_code_check_char(first17))
    assert (total + value) % 31 == 0
    assert 0 <= value <= 30


@given(first17s, st.integers(min_value=0, max_value=17), st.sampled_from(CREDIT_ALPHABET + FORBIDDEN))
def test_changing_any_single_character_makes_it_invalid(first17, position, replacement):
    code = first17 + credit_code_check_char(first17)
    if code[position] == replacement:
        replacement = CREDIT_ALPHABET[(CREDIT_ALPHABET.index(replacement) + 1) % 31]
    mutated = code[:position] + replacement + code[position + 1 :]
    assert mutated != code
    result = validate_credit_code(mutated)
    assert not result.ok
    assert result.errors


@given(first17s, st.integers(min_value=0, max_value=15))
def test_swapping_adjacent_distinct_characters_is_caught(first17, position):
    code = first17 + credit_code_check_char(first17)
    a, b = code[position], code[position + 1]
    swapped = code[:position] + b + a + code[position + 2 :]
    # Adjacent weights differ (3^i mod 31) and 31 is prime, so swapping two distinct characters always
    # changes S mod 31.
    assert validate_credit_code(swapped).ok == (a == b)


@given(st.text(alphabet=alphabet_chars, min_size=0, max_size=40).filter(lambda s: len(s) != 18))
def test_any_length_other_than_18_is_rejected(code):
    result = validate_credit_code(code)
    assert not result.ok
    assert ("18位" in result.errors[0]) or ("不能为空" in result.errors[0])


# --- 公民身份号码 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_id_worked_examples_are_valid(number):
    result = validate_id_number(number)
    assert result.ok, result.errors
    assert result.value == number


def test_id_lowercase_x_and_blanks_are_normalised():
    result = validate_id_number(" 110105 19491231 002x ")
    assert result.ok
    assert result.value == "11010519491231002X"


def test_id_worked_example_sum():
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip("11010519491231002", weights, strict=True))
    assert total == 167
    assert "10X98765432"[total % 11] == "X"


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("11010519490231002X", "19490231"),  # 31 February
        ("110105194913010023", "19491301"),  # month 13
        ("110105194900010023", "19490001"),  # month 0
        ("110105190002290025", "19000229"),  # 1900 is not a leap year
    ],
)
def test_id_with_impossible_birth_date_is_rejected(number, shown):
    result = validate_id_number(number)
    assert not result.ok
    (message,) = result.errors
    assert "出生日期" in message
    assert shown in message
    assert "不是有效日期" in message


def test_id_leap_day_is_a_real_date():
    first17 = "11010520000229002"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]
    assert validate_id_number(first17 + check).ok


@pytest.mark.parametrize(
    ("number", "expected", "actual"), [("110105194912310021", "X", "1"), ("440524188001010015", "4", "5")]
)
def test_id_wrong_check_is_rejected(number, expected, actual):
    result = validate_id_number(number)
    assert not result.ok
    (message,) = result.errors
    assert "校验位" in message
    assert f"应为 {expected}" in message
    assert f"实际为 {actual}" in message


@pytest.mark.parametrize("number", ["1101051949123100", "11010519491231002X1", "110105491231002"])
def test_id_wrong_length_is_rejected(number):
    result = validate_id_number(number)
    assert not result.ok
    assert "18位" in result.errors[0]
    assert f"当前为{len(number)}位" in result.errors[0]


@pytest.mark.parametrize("number", ["1101051949123100A2", "X1010519491231002X", "11010519491231002Y"])
def test_id_non_digits_are_rejected(number):
    result = validate_id_number(number)
    assert not result.ok
    assert "数字" in result.errors[0]


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_id_any_real_date_with_computed_check_is_valid(birth, seq):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    first17 = f"450103{birth:%Y%m%d}{seq:03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]
    assert validate_id_number(first17 + check).ok
    wrong = next(c for c in "0123456789X" if c != check)
    assert not validate_id_number(first17 + wrong).ok


def test_mask_id_number():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number("123") == "***"


# --- phones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("13800000001", "13800000001"),
        ("19912345678", "19912345678"),
        ("138 0000 0001", "13800000001"),
        ("+8613800000001", "13800000001"),
        ("+86 138 0000 0001", "13800000001"),
        ("+86-13800000001", "13800000001"),
        ("0771-5551234", "0771-5551234"),
        ("07715551234", "07715551234"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "01012345678"),
        ("0771－5551234", "0771-5551234"),  # full-width hyphen
        ("0771—5551234", "0771-5551234"),  # em dash
        ("0771-5551234-8021", "0771-5551234-8021"),  # extension
        ("+86-771-5551234", "0771-5551234"),  # international form of a landline drops the 0
        ("+86 10 12345678", "01012345678"),
    ],
)
def test_valid_phones(raw, value):
    result = validate_phone(raw)
    assert result.ok, result.errors
    assert result.value == value


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "1380000000",  # 10 digits
        "138000000012",  # 12 digits
        "12800000001",  # mobile numbers do not start with 12
        "23800000001",
        "0771-55512",  # landline too short
        "771-5551234",  # no leading 0
        "0771-5551234-",
        "abc",
        "138-0000-000a",
    ],
)
def test_bad_phones_are_rejected_with_the_value_and_format_named(raw):
    result = validate_phone(raw)
    assert not result.ok
    (message,) = result.errors
    assert "联系电话" in message
    assert "格式不正确" in message
    assert raw in message
    assert "11位" in message


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_empty_phone_is_rejected(blank):
    result = validate_phone(blank)
    assert not result.ok
    assert "不能为空" in result.errors[0]


def test_mask_phone():
    assert mask_phone("13800000001") == "138****0001"
    assert mask_phone("12345") == "12345"

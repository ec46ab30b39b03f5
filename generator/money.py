"""Amounts of money: read exactly from cell text, format as #,##0.00, write in Chinese capitals.

Amounts are Decimals with exactly two places; floats never appear (SECURITY.md item 17).
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, Inexact, InvalidOperation, localcontext

from generator.formats import FormatError, normalise_cell

CENT = Decimal("0.01")
MAX_INTEGER_DIGITS = 12  # below 1 万亿; a longer digit string is an ID or account number pasted by mistake
EXPECTED = "1286.50"
_EXPECT_ZH = "应为数字，最多两位小数，例如 1286.50 或 1,286.50"
_EXPECT_EN = "expected a number with at most two decimals, e.g. 1286.50 or 1,286.50"


class AmountError(FormatError):
    """An amount cell that cannot be read exactly."""


def _error(code: str, zh: str, en: str) -> AmountError:
    return AmountError(f"金额格式不正确：{zh}。{_EXPECT_ZH}", f"Invalid amount: {en}. {_EXPECT_EN}", EXPECTED, code)


# Sign before or after ¥ because Excel's currency formats show both "-¥12.00" and "¥-12.00";
# the spaces around ¥/元 are what accounting formats pad with.
_AMOUNT = re.compile(
    r"(?P<s1>-)?(?:¥ *)?(?P<s2>-)?"
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?:\.(?P<frac>[0-9]{1,2}))?"
    r"(?: *元)?"
)
_BODY = re.compile(r"-?¥? *-?([0-9.,]+) *元?")  # the digits with their currency marks peeled off, for diagnosis
_SCIENTIFIC = re.compile(r"[-+]?¥? *[0-9.,]*[0-9][eE][-+]?[0-9]+")
_PARENS = re.compile(r"\( *¥? *[0-9.,]+ *元? *\)")
# European "1.234,50", or "1234,5" where the comma cannot be separating thousands.
_DECIMAL_COMMA = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]{1,2}|[0-9]{4,},[0-9]{1,2}")


def parse_amount(text: str) -> Decimal:
    """Read an amount exactly, e.g. "￥1,234.5" -> Decimal("1234.50"); raise AmountError otherwise.

    Negative amounts ("-12") are returned negative so a rule can reject them with the row;
    "-0" reads as 0.00.
    """
    s = normalise_cell(text)
    if not s:
        raise _error("amount-empty", "单元格为空", "the cell is empty")
    if len(s) > 40:
        raise _error("amount-format", "内容过长", "the text is too long")
    m = _AMOUNT.fullmatch(s)
    if m is None:
        raise _diagnose(s)
    if m["s1"] and m["s2"]:
        raise _error("amount-format", "负号重复", "the minus sign appears twice")
    digits = m["int"].replace(",", "")
    if len(digits) > 1 and digits[0] == "0":
        raise _error("amount-leading-zero", "整数部分不应以 0 开头（是否填成了编号？）",
                     "the whole part starts with 0 (is this a code rather than an amount?)")
    if len(digits) > MAX_INTEGER_DIGITS:
        raise _error("amount-too-large", "数字过长，超过 12 位整数（是否填成了证件号或账号？）",
                     "more than 12 digits before the decimal point (an ID or account number?)")
    # Built from integers, so the value is exact; int(-0) is 0, so "-0" gives 0.00.
    cents = int(digits) * 100 + int((m["frac"] or "").ljust(2, "0"))
    if m["s1"] or m["s2"]:
        cents = -cents
    return Decimal(cents).scaleb(-2)


def _diagnose(s: str) -> AmountError:
    """Say why a text is not an amount, for the mistakes Excel users actually make."""
    if _SCIENTIFIC.fullmatch(s):
        return _error("amount-scientific",
                      "这是科学计数法（Excel 对长数字显示为 1.23E+11），请把单元格设为数值格式、保留两位小数后重新保存",
                      "this is scientific notation (how Excel shows long numbers, e.g. 1.23E+11); "
                      "format the cell as a number with two decimals and save again")
    if _PARENS.fullmatch(s):
        return _error("amount-parentheses", "不接受用括号表示负数，请写成 -12.00",
                      "negative amounts in parentheses are not accepted; write -12.00")
    body = _BODY.fullmatch(s)
    if body:
        b = body[1]
        if _DECIMAL_COMMA.fullmatch(b):
            return _error("amount-decimal-comma", "逗号不能作小数点，小数点用“.”，千位分隔用“,”",
                          "a comma cannot be the decimal mark; use '.' for decimals and ',' for thousands")
        if re.fullmatch(r"[0-9,]*\.[0-9]{3,}", b):
            return _error("amount-decimals", "小数超过两位（不会四舍五入；若“.”是千位分隔符，请改用“,”）",
                          "more than two decimals (never rounded; if '.' separates thousands, use ',')")
        if b.count(".") > 1:
            return _error("amount-format", "小数点多于一个", "more than one decimal point")
        if "," in b and re.fullmatch(r"[0-9,]+(?:\.[0-9]{1,2})?", b):
            return _error("amount-thousands", "千位分隔符位置不对，应每三位一个逗号，如 1,234.50",
                          "misplaced thousands separator; one comma every three digits, e.g. 1,234.50")
    if "(" in s or ")" in s:
        return _error("amount-parentheses", "不接受用括号表示负数，请写成 -12.00",
                      "negative amounts in parentheses are not accepted; write -12.00")
    return _error("amount-format", "无法识别", "not a number")


def _exact_cents(d: Decimal) -> Decimal:
    """d with exactly two places, or ValueError: formatting never rounds."""
    if not isinstance(d, Decimal):
        raise TypeError(f"amount must be Decimal, not {type(d).__name__}")
    if not d.is_finite():
        raise ValueError("amount must be finite")
    with localcontext() as ctx:
        ctx.prec = 60
        ctx.traps[Inexact] = True
        try:
            q = d.quantize(CENT)
        except (Inexact, InvalidOperation):
            raise ValueError(f"amount {d} cannot be written exactly with two decimals") from None
    return q if q else Decimal("0.00")  # drop the sign of -0


def format_amount(d: Decimal) -> str:
    """Format as #,##0.00, e.g. Decimal("1286.5") -> "1,286.50"; never rounds."""
    if d.__class__ is Decimal and d.is_finite():
        return _formatted(d)
    return f"{_exact_cents(d):,.2f}"


# An amount is printed many times (a period's totals on its page, its board, its feed entry):
# equal Decimals (1.5, 1.50) print the same, so the text is remembered by value.
@functools.lru_cache(maxsize=1 << 14)
def _formatted(d: Decimal) -> str:
    return f"{_exact_cents(d):,.2f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP = ("仟", "佰", "拾", "")
_GROUPS = ((10**8, "亿"), (10**4, "万"), (1, ""))


def _capital_integer(n: int) -> str:
    """Yuan in capitals, 0 < n < 10**12; optional 零 at 万/元 positions is left out (rule 2 allows it)."""
    out: list[str] = []
    zero = False  # a zero seen since the last written digit, inside the number
    for size, unit in _GROUPS:
        group = n // size % 10000
        if group == 0:
            zero = zero or bool(out)
            continue
        for i, ch in enumerate(f"{group:04d}"):
            if ch == "0":
                zero = zero or bool(out)
            else:
                if zero:
                    out.append("零")
                out.append(_DIGITS[int(ch)] + _IN_GROUP[i])
                zero = False
        out.append(unit)
        # Zeros at the end of a group are covered by the group's unit word: no 零 for them.
        zero = False
    return "".join(out)


def to_capital(d: Decimal) -> str:
    """Write an amount in capitals per the People's Bank rules, e.g. 1409.50 -> 人民币壹仟肆佰零玖元伍角."""
    q = _exact_cents(d)
    if abs(q) >= 10**MAX_INTEGER_DIGITS:
        raise ValueError("amount too large for capitals (limit: below 1 万亿)")
    cents = int(abs(q) * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    sign = "负" if q < 0 else ""
    if cents == 0:
        return "人民币零元整"
    text = _capital_integer(yuan) + "元" if yuan else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"  # 角位是0而分位不是0时，元后面应写零字
    if fen:
        text += _DIGITS[fen] + "分"
    if not jiao and not fen:
        text += "整"  # only when the amount ends at 元
    return "人民币" + sign + text


_CAPITAL = re.compile(
    r"(?:人民币)?(?P<neg>负)?"
    r"(?:(?P<yuan>[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+)元)?"
    r"(?:零?(?P<jiao>[壹贰叁肆伍陆柒捌玖])角)?"
    r"(?:零?(?P<fen>[壹贰叁肆伍陆柒捌玖])分)?"
    r"(?P<zheng>[整正])?"
)


def _capital_group(s: str) -> int:
    """0..9999 from e.g. 壹仟零伍拾; units must descend; 零 may appear between."""
    units = {"仟": 1000, "佰": 100, "拾": 10}
    value, last, i = 0, 10**4, 0
    while i < len(s):
        if s[i] == "零":
            i += 1
            continue
        if s[i] in _DIGITS:
            digit = _DIGITS.index(s[i])
            i += 1
        elif s[i] == "拾":
            digit = 1  # a bare 拾 means 壹拾
        else:
            raise ValueError(s)
        unit = 1
        if i < len(s) and s[i] in units:
            unit = units[s[i]]
            i += 1
        if unit >= last:  # units must descend; a unit-less digit must come last
            raise ValueError(s)
        value, last = value + digit * unit, unit
    return value


def parse_capital(text: str) -> Decimal:
    """Read capitals back to an exact Decimal; the inverse of to_capital, lenient about optional 零."""
    s = normalise_cell(text)
    m = _CAPITAL.fullmatch(s)
    bad = AmountError("大写金额格式不正确，例如 人民币壹仟肆佰零玖元伍角",
                      "invalid amount in capitals, e.g. 人民币壹仟肆佰零玖元伍角", "人民币壹仟肆佰零玖元伍角",
                      "amount-capital")
    if m is None or not (m["yuan"] or m["jiao"] or m["fen"]) or (m["zheng"] and m["fen"]):
        raise bad
    yuan = 0
    if m["yuan"] and m["yuan"] != "零":
        rest = m["yuan"]
        try:
            for size, unit in _GROUPS[:2]:
                if unit in rest:
                    head, rest = rest.split(unit, 1)
                    if not head.strip("零"):
                        raise ValueError(head)
                    yuan += _capital_group(head) * size
            yuan += _capital_group(rest)
        except ValueError:
            raise bad from None
    cents = yuan * 100 + _DIGITS.index(m["jiao"] or "零") * 10 + _DIGITS.index(m["fen"] or "零")
    return Decimal(-cents if m["neg"] else cents).scaleb(-2)

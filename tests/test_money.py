"""Amounts: exact reading, #,##0.00 formatting and Chinese capitals (SECURITY.md item 17)."""

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from generator.formats import FormatError, normalise_cell
from generator.money import AmountError, format_amount, parse_amount, parse_capital, to_capital

D = Decimal


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234", "1234.00"),
        ("1234.5", "1234.50"),
        ("1234.50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1,234", "1234.00"),
        ("1,234,567.89", "1234567.89"),
        ("¥1234", "1234.00"),
        ("￥1,234.50", "1234.50"),
        ("¥ 1,234.50", "1234.50"),  # Excel accounting format pads after the sign
        ("1234元", "1234.00"),
        ("1234 元", "1234.00"),
        ("１２３４．５０", "1234.50"),
        ("１，２３４", "1234.00"),
        ("  12.36  ", "12.36"),
        ("\u3000199.00\u3000", "199.00"),
        ("\xa0900\xa0", "900.00"),
        ("\ufeff15", "15.00"),
        ("12\r\n", "12.00"),
        ("0", "0.00"),
        ("0.05", "0.05"),
        ("-0", "0.00"),
        ("-0.00", "0.00"),
        ("-12", "-12.00"),
        ("-12.00", "-12.00"),
        ("－１２", "-12.00"),
        ("\u221212.5", "-12.50"),  # minus sign pasted from Word
        ("-¥12.00", "-12.00"),
        ("¥-12.00", "-12.00"),
        ("999999999999.99", "999999999999.99"),
    ],
)
def test_parse_amount_accepts(text, expected):
    value = parse_amount(text)
    assert value == D(expected)
    assert str(value) == expected  # exactly two places, sign of zero dropped
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "amount-empty"),
        ("   ", "amount-empty"),
        ("\u3000", "amount-empty"),
        ("12.345", "amount-decimals"),  # never rounded
        ("12.300", "amount-decimals"),
        ("1.234", "amount-decimals"),  # '.' as a thousands separator
        ("1,234.567", "amount-decimals"),
        ("1,23.4", "amount-thousands"),
        ("12,34", "amount-thousands"),
        ("1,2345", "amount-thousands"),
        ("12,,345", "amount-thousands"),
        (",123", "amount-thousands"),
        ("1E3", "amount-scientific"),
        ("1.23457E+11", "amount-scientific"),
        ("4.3E-05", "amount-scientific"),
        ("1.2.3", "amount-format"),
        ("1..2", "amount-format"),
        ("1.234,50", "amount-decimal-comma"),
        ("1234,5", "amount-decimal-comma"),
        ("(12.00)", "amount-parentheses"),
        ("（12.00）", "amount-parentheses"),
        ("(¥1,234.50)", "amount-parentheses"),
        ("012", "amount-leading-zero"),
        ("00.50", "amount-leading-zero"),
        ("1234567890123", "amount-too-large"),  # more than 12 whole digits
        ("110101199001011234", "amount-too-large"),  # an ID number in the amount column
        ("abc", "amount-format"),
        ("12元5角", "amount-format"),
        ("壹佰元", "amount-format"),
        ("NaN", "amount-format"),
        ("nan", "amount-format"),
        ("inf", "amount-format"),
        ("-Infinity", "amount-format"),
        ("+12", "amount-format"),
        ("12-", "amount-format"),
        ("--12", "amount-format"),
        ("-¥-12", "amount-format"),
        (".5", "amount-format"),
        ("12.", "amount-format"),
        ("1 234", "amount-format"),
        ("¥", "amount-format"),
        ("元", "amount-format"),
        ("USD 12", "amount-format"),
        ("١٢٣", "amount-format"),  # Arabic-Indic digits: Decimal() would take them, we do not
        ("１２３Ｅ４", "amount-format"),
        ("=1+2", "amount-format"),
        ("0x10", "amount-format"),
        ("1_000", "amount-format"),
        ("12。50", "amount-format"),
        ("9" * 1000, "amount-format"),
    ],
)
def test_parse_amount_rejects(text, code):
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    err = info.value
    assert err.code == code
    assert isinstance(err, FormatError) and isinstance(err, ValueError)
    assert "1286.50" in err.zh and "1286.50" in err.en  # names the format expected
    assert err.expected == "1286.50"
    assert err.zh.startswith("金额格式不正确")


def test_parse_amount_refuses_non_text():
    with pytest.raises(TypeError):
        parse_amount(1234.5)  # type: ignore[arg-type]  a float must never slip through


@pytest.mark.parametrize(
    "value, text",
    [
        ("1286.5", "1,286.50"),
        ("1286.50", "1,286.50"),
        ("-15", "-15.00"),
        ("0", "0.00"),
        ("-0.00", "0.00"),
        ("12.36", "12.36"),
        ("999", "999.00"),
        ("1000", "1,000.00"),
        ("1234567.8", "1,234,567.80"),
        ("1E+3", "1,000.00"),
    ],
)
def test_format_amount(value, text):
    assert format_amount(D(value)) == text


@pytest.mark.parametrize("value", [D("1.005"), D("NaN"), D("Infinity"), D("1E-30")])
def test_format_amount_never_rounds(value):
    with pytest.raises(ValueError):
        format_amount(value)


@pytest.mark.parametrize("value", [1.5, 2, "1.00", True])
def test_format_amount_wants_decimal(value):
    with pytest.raises(TypeError):
        format_amount(value)


CAPITALS = [
    # The People's Bank examples (正确填写票据和结算凭证的基本规定) and DISCLOSURE.md.
    ("1409.50", "人民币壹仟肆佰零玖元伍角"),
    ("6007.14", "人民币陆仟零柒元壹角肆分"),
    ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),  # the optional 零 after 元 is left out
    ("107000.53", "人民币壹拾万柒仟元伍角叁分"),  # optional 零 at 万 and 元 left out
    ("325.04", "人民币叁佰贰拾伍元零肆分"),  # 角 is 0, 分 is not: 零 required
    ("100", "人民币壹佰元整"),
    ("0", "人民币零元整"),
    ("0.05", "人民币伍分"),
    ("0.50", "人民币伍角"),  # ends at 角: no 整
    ("0.55", "人民币伍角伍分"),
    ("10.05", "人民币壹拾元零伍分"),
    ("10", "人民币壹拾元整"),
    ("15", "人民币壹拾伍元整"),
    ("12.36", "人民币壹拾贰元叁角陆分"),
    ("1286.50", "人民币壹仟贰佰捌拾陆元伍角"),
    ("1010", "人民币壹仟零壹拾元整"),
    ("1001", "人民币壹仟零壹元整"),  # several zeros in the middle: one 零
    ("30000", "人民币叁万元整"),
    ("100000", "人民币壹拾万元整"),
    ("110000", "人民币壹拾壹万元整"),
    ("1010000", "人民币壹佰零壹万元整"),
    ("1000100", "人民币壹佰万零壹佰元整"),
    ("20000.10", "人民币贰万元壹角"),
    ("105000000", "人民币壹亿零伍佰万元整"),
    ("100000001", "人民币壹亿零壹元整"),
    ("100010000", "人民币壹亿零壹万元整"),
    ("1000000000", "人民币壹拾亿元整"),
    ("-15.00", "人民币负壹拾伍元整"),
    ("-0.50", "人民币负伍角"),
    ("999999999999.99", "人民币玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]


@pytest.mark.parametrize("value, capital", CAPITALS)
def test_to_capital(value, capital):
    assert to_capital(D(value)) == capital
    assert to_capital(parse_amount(value)) == capital
    assert parse_capital(capital) == D(value)


@pytest.mark.parametrize("value", [D("1E+12"), D("-1E+12"), D("0.001"), D("NaN")])
def test_to_capital_refuses(value):
    with pytest.raises(ValueError):
        to_capital(value)


@pytest.mark.parametrize(
    "capital, value",
    [
        ("壹仟陆佰捌拾元零叁角贰分", "1680.32"),  # the optional 零 before 角
        ("人民币壹拾万零柒仟元伍角叁分", "107000.53"),  # the rule's second accepted form
        ("人民币壹拾万柒仟元零伍角叁分", "107000.53"),  # and its first
        ("人民币贰万元零壹角", "20000.10"),
        ("人民币伍角整", "0.50"),  # 整 after 角 is allowed by the rules
        ("人民币壹佰元正", "100.00"),  # 正 is the rules' alternative to 整
        ("拾元整", "10.00"),
        ("人民币零元整", "0.00"),
    ],
)
def test_parse_capital_variants(capital, value):
    assert parse_capital(capital) == D(value)


@pytest.mark.parametrize(
    "capital",
    ["", "人民币", "壹佰", "整", "壹元伍分整", "壹佰佰元", "壹拾佰元", "壹万贰亿元", "万元", "壹亿万元", "123元", "壹佰元整整"],
)
def test_parse_capital_rejects(capital):
    with pytest.raises(AmountError):
        parse_capital(capital)


@pytest.mark.parametrize(
    "text, normal",
    [
        ("１２３４．５０", "1234.50"),
        ("￥１，２３４", "¥1,234"),
        ("\u3000 x \xa0", "x"),
        ("\u200b\ufeff 1 \u200b", "1"),
        ("ＡＢＣ１", "ＡＢＣ1"),  # letters are left alone: only digits and punctuation change
        ("２０２４年５月", "2024年5月"),
        ("（１２）", "(12)"),
        ("1\u30002", "1 2"),
    ],
)
def test_normalise_cell(text, normal):
    assert normalise_cell(text) == normal


cents = st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1)


@given(cents)
def test_format_parse_round_trip(n):
    value = D(n).scaleb(-2)
    text = format_amount(value)
    assert parse_amount(text) == value
    assert parse_amount(text.replace(",", "")) == value
    assert parse_amount("¥" + text) == value
    assert parse_amount(text + "元") == value
    full = text.translate(str.maketrans("0123456789,.-", "０１２３４５６７８９，．－"))
    assert parse_amount(full) == value


@given(st.integers(min_value=0, max_value=10**11))  # 0 to 10^9 yuan, in cents
def test_capital_round_trip(n):
    value = D(n).scaleb(-2)
    capital = to_capital(value)
    assert capital.startswith("人民币")
    assert capital.endswith("整") == (n % 100 == 0)
    assert parse_capital(capital) == value
    if "元" in capital and "角" in capital:  # the optional 零 before 角 reads the same
        assert parse_capital(capital.replace("元", "元零")) == value
    assert to_capital(-value) == (capital.replace("人民币", "人民币负") if n else capital)


_AMOUNTISH = st.sampled_from(list("0123456789.,-+¥￥元 ()eE０１２３４５６７８９．，（）－\u3000\xa0") + ["NaN", "inf"])


@given(st.one_of(st.text(), st.lists(_AMOUNTISH, max_size=20).map("".join)))
def test_parse_amount_raises_only_amount_error(text):
    try:
        value = parse_amount(text)
    except AmountError as err:
        assert err.zh and err.en and err.expected
    else:
        assert isinstance(value, Decimal) and value.as_tuple().exponent == -2
        assert parse_amount(format_amount(value)) == value


@given(st.text())
def test_parse_capital_raises_only_amount_error(text):
    try:
        parse_capital(text)
    except AmountError:
        pass

"""What both schema checks share (schema.py's frictionless reference and columnar.py): a file's
header mapped to the schema's fields, each cell read the Excel way before the check (¥1,234.50,
2024年5月1日, full-width digits), the batch schema, and frictionless's errors turned into Problems
with messages a clerk can act on. Kept apart so the two checks depend on it, not on each other."""

from __future__ import annotations

import re

from generator import tableschemas
from generator.dates import parse_date
from generator.formats import FormatError, normalise_cell, strip_cell
from generator.load.sources import Source
from generator.money import parse_amount
from generator.problems import ERROR, WARNING, Problem, Problems
from generator.visible import has_visible

_LIST_SPLIT = re.compile(r"[、,，;；\s]+")


def incomplete(kind: str, origin: list[tuple[Source, int]], checked: int, why: str) -> Problem:
    source, index = origin[min(checked, len(origin) - 1)]
    line, _ = source.where(index, None)
    return Problem("validation-incomplete", ERROR, source.file,
                   f"表格检查没有完成（从第 {line} 行起未检查），不能发布", f"the table check stopped early ({why}); "
                   "nothing after this row was checked, so the data cannot be published",
                   row=line, community=source.community,
                   hint_zh="请把此报告发给技术支持", hint_en="Report this to the maintainers")


def batch_schema(kind: str):
    from frictionless import Schema

    descriptor = dict(tableschemas.schema(kind))
    descriptor["fields"] = [{"name": "_file", "type": "integer"}, *descriptor["fields"]]
    if descriptor.get("primaryKey"):
        descriptor["primaryKey"] = ["_file", *descriptor["primaryKey"]]
    descriptor.pop("foreignKeys", None)  # checked by the rules, across files
    descriptor.pop("title", None)
    return Schema.from_descriptor(descriptor)


def map_header(kind: str, source: Source, problems: Problems) -> dict[str, str] | None:
    """Column as written → field name; None when a required column is missing."""
    aliases = tableschemas.header_aliases(kind)
    fields = tableschemas.fields(kind)
    if source.table is None:
        mapping = {}
        for key in source.record or {}:
            if key in aliases:
                mapping[key] = aliases[key]
            else:
                line, _ = source.where(0, key)
                problems.add(Problem(
                    "unknown-key", WARNING, source.file,
                    f"不认识的条目“{key}”，已忽略", f"unknown key '{key}', ignored",
                    row=line, field=key, community=source.community,
                    hint_zh="检查拼写，或对照模板删除该条目", hint_en="Check the spelling against the template",
                ))
        return mapping
    mapping = {}
    for position, column in enumerate(source.table.header):
        name = tableschemas.field_named(kind, column)
        if name is None:
            if column:
                close = _close_spellings(kind, column)
                problems.add(Problem(
                    "unknown-column", WARNING, source.file,
                    f"不认识的列“{column}”，已忽略" + (f"；是不是“{'”或“'.join(close)}”？" if close else ""),
                    f"unknown column '{column}', ignored" + (f"; did you mean {' or '.join(close)}?" if close else ""),
                    row=source.table.header_line, field=column,
                    cell=f"{_letter(position)}{source.table.header_line}", community=source.community,
                    hint_zh="列名应为模板中的名称：" + "、".join(f.get("title", n) for n, f in fields.items()),
                    hint_en="Column names are those of the template: " + ", ".join(fields),
                ))
            continue
        if name in mapping.values():
            problems.add(Problem(
                "duplicate-column", ERROR, source.file, f"列“{column}”出现了两次", f"column '{column}' appears twice",
                row=source.table.header_line, field=name, cell=f"{_letter(position)}{source.table.header_line}",
                community=source.community, hint_zh="删除重复的列", hint_en="Delete the repeated column"))
            return None
        mapping[column] = name
    missing = [n for n, f in fields.items() if f.get("constraints", {}).get("required") and n not in mapping.values()]
    for name in missing:
        problems.add(Problem(
            "missing-column", ERROR, source.file,
            f"缺少必填列“{tableschemas.title(kind, name)}”（{name}）", f"missing required column '{name}'",
            row=source.table.header_line, field=name, community=source.community,
            hint_zh=f"在表头加上“{tableschemas.title(kind, name)}”列并填写",
            hint_en=f"Add the column '{name}' to the header and fill it in",
        ))
    return None if missing else mapping


def _close_spellings(kind: str, column: str) -> list[str]:
    """Up to three known column titles a mistyped one could have meant (difflib)."""
    import difflib

    return difflib.get_close_matches(column.strip(), sorted(tableschemas.header_aliases(kind)), n=3, cutoff=0.5)


def check_extra_cells(source: Source, index: int, raw: dict, mapping: dict, problems: Problems) -> None:
    table = source.table
    if table is None or len(table.rows[index]) <= len(table.header):
        return
    extra = [c for c in table.rows[index][len(table.header):] if c.strip()]
    if extra:
        line = table.lines[index]
        problems.add(Problem(
            "extra-cells", ERROR, source.file, f"第 {line} 行的单元格比表头多", f"row {line} has more cells than the header",
            row=line, value=extra[0], cell=f"{_letter(len(table.header))}{line}", community=source.community,
            hint_zh="删除多余的单元格，或检查内容里的英文逗号", hint_en="Remove the extra cells, or check for stray commas"))


def normalise(kind: str, source: Source, index: int, name: str, value: object, problems: Problems) -> object:
    """A cell as frictionless should see it, or None after reporting why it cannot be read."""
    field = tableschemas.fields(kind)[name]
    if value is None:
        return None
    if isinstance(value, list):
        return [normalise_cell(str(v)) for v in value] if field["type"] == "array" else None
    kind_of = field["type"]
    text = strip_cell(str(value)) if kind_of == "string" else normalise_cell(str(value))
    if kind_of == "string" and _invisible(source, str(value), text):
        line, cell = source.where(index, _column_of(source, name))
        label = field.get("title", name)
        problems.add(Problem(
            "invisible-text", ERROR, source.file,
            f"“{label}”只有看不见的字符（如零宽空格、全角空格、不换行空格或 BOM），等于没有填写",
            f"{name} holds only invisible characters (zero-width, full-width or no-break spaces, a BOM): "
            "it says nothing",
            row=line, field=name, cell=cell, community=source.community,
            hint_zh=f"填写“{label}”的实际内容，或删除这一项", hint_en=f"Write what {name} should say, or remove it",
        ))
        return None
    if text == "":
        return None
    if kind_of == "string":
        return text
    try:
        # Typed already: frictionless takes a Decimal or a date as it is (no second parse) and
        # still checks its constraints, keys and uniqueness.
        if field["type"] == "number":
            return parse_amount(text)
        if field["type"] == "date":
            return parse_date(text)
        if field["type"] == "array":
            return [p for p in _LIST_SPLIT.split(text) if p]
    except FormatError as exc:
        line, cell = source.where(index, _column_of(source, name))
        problems.add(Problem(
            exc.code, ERROR, source.file,
            f"“{field.get('title', name)}”{exc.zh}", f"{name}: {exc.en}",
            row=line, field=name, value=text, cell=cell, community=source.community,
            hint_zh=f"改为 {exc.expected}", hint_en=f"Write it as {exc.expected}",
        ))
        return None
    return text


def _invisible(source: Source, raw: str, text: str) -> bool:
    """A value that is there but shows nothing. In a YAML file, a key given a value of only spaces
    or invisible characters (an amendment reason of zero-width spaces) is refused; in a table a
    blank-looking cell stays blank, unless it holds invisible characters that are not spaces."""
    if text:
        return not ("!" <= text[0] <= "~" or has_visible(text))  # most cells start with visible ASCII
    return source.table is None and raw != ""


_TYPE_ZH = {"number": "金额（数字）", "integer": "整数", "date": "日期", "boolean": "是/否", "string": "文字", "array": "列表"}
_TYPE_HINT = {
    "number": ("请填写数字，例如 1286.50", "write a number such as 1286.50"),
    "integer": ("请填写整数，例如 12", "write a whole number such as 12"),
    "date": ("请按 2024-05-01 的格式填写日期", "write the date as 2024-05-01"),
    "boolean": ("请填写“是”或“否”", "write 是 (yes) or 否 (no)"),
}


EMPTY_ZH, EMPTY_EN = "空", "empty"  # how a message shows a cell with nothing in it (never Python's None)


def from_frictionless(kind: str, source: Source, index: int, error, values: dict,
                       origin: list[tuple[Source, int]] = (), submitted: dict | None = None) -> Problem:
    """One frictionless error as a Problem. The cell is read from what was `submitted` to
    frictionless, not from the error: frictionless writes a missing cell as the text "None"."""
    name = getattr(error, "field_name", None)
    column = _column_of(source, name) if name else None
    line, cell = source.where(index, column)
    reported = getattr(error, "cell", None)
    value = _cell_text(reported, reported if submitted is None else submitted.get(name))
    field = tableschemas.fields(kind).get(name or "", {})
    label = field.get("title", name)
    common = dict(row=line, field=name, value=value, cell=cell, community=source.community)
    if error.type == "type-error":
        hint = _TYPE_HINT.get(field.get("type"), ("请检查内容", "check the value"))
        return Problem("type", ERROR, source.file,
                       f"“{label}”的值“{_zh(value)}”不是有效的{_TYPE_ZH.get(field.get('type'), field.get('type'))}",
                       f"{name}: '{_en(value)}' is not a valid {field.get('type')}",
                       hint_zh=hint[0], hint_en=hint[1], **common)
    if error.type == "constraint-error":
        return _constraint_problem(source, field, label, name, value, error.note, common)
    if error.type in ("primary-key", "unique-error"):
        return _duplicate(kind, source, index, error, values, origin)
    note = error.note or ""
    return Problem(error.type, ERROR, source.file, f"数据有误：{_note(note, EMPTY_ZH)}",
                   f"{error.title}: {_note(note, EMPTY_EN)}", **common)


def _cell_text(reported, submitted) -> str | None:
    """The cell as the clerk wrote it, None when it was empty (whatever frictionless reports)."""
    if submitted is None or submitted == "" or reported is None:
        return None
    return str(reported)


def _zh(value: str | None) -> str:
    return EMPTY_ZH if value is None else value


def _en(value: str | None) -> str:
    return EMPTY_EN if value is None else value


def _note(note: str, empty: str) -> str:
    """A frictionless note with its quoted "None" (an empty cell) said in words."""
    return note.replace('"None"', f'"{empty}"').replace("'None'", f"'{empty}'")


def _duplicate(kind: str, source: Source, index: int, error, values: dict, origin) -> Problem:
    """A repeated key, naming the earlier row in the same file (the batch's positions mean nothing to a clerk)."""
    keys = [k for k in tableschemas.schema(kind).get("primaryKey", []) if k != "community"] or [None]
    name = keys[-1]
    shown = "、".join(tableschemas.title(kind, k) for k in keys if k) or "键"
    cells = [_text_or_none(values.get(k)) for k in keys if k]
    shown_zh, shown_en = " / ".join(map(_zh, cells)), " / ".join(map(_en, cells))
    value = None if all(c is None for c in cells) else shown_zh
    line, cell = source.where(index, _column_of(source, name))
    match = re.search(r"position (\d+)", error.note or "")
    first = None
    if match and 0 <= int(match.group(1)) - 2 < len(origin):
        first_source, first_index = origin[int(match.group(1)) - 2]
        first = first_source.where(first_index, None)[0] if first_source is source else None
    earlier_zh = f"第 {first} 行" if first else "前面某行"
    earlier_en = f"row {first}" if first else "an earlier row"
    return Problem("duplicate-key", ERROR, source.file,
                   f"“{shown}”为“{shown_zh}”的行重复：与{earlier_zh}相同", f"{', '.join(k for k in keys if k)} "
                   f"'{shown_en}' appears twice: the same as {earlier_en}",
                   hint_zh=f"每行的“{shown}”必须唯一：修改编号，或删除重复的行",
                   hint_en=f"Each row's {', '.join(k for k in keys if k)} must be unique: renumber or delete the repeat",
                   row=line, field=name, value=value, cell=cell, community=source.community)


def _text_or_none(value) -> str | None:
    return None if value is None or value == "" else str(value)


def _constraint_problem(source, field, label, name, value, note, common) -> Problem:
    shown_zh, shown_en = _zh(value), _en(value)
    match = re.search(r'constraint "(\w+)"', note or "")
    constraint = match.group(1) if match else ""
    limit = field.get("constraints", {}).get(constraint)
    if constraint == "required":
        zh, en = f"“{label}”不能为空", f"{name} is required"
        hint = (f"填写“{label}”", f"Fill in {name}")
    elif constraint == "enum":
        zh, en = f"“{label}”的值“{shown_zh}”不在可选范围内", f"{name}: '{shown_en}' is not one of the allowed values"
        hint = ("应为以下之一：" + "、".join(limit), "use one of: " + ", ".join(limit))
    elif constraint == "pattern":
        zh, en = f"“{label}”的格式不正确：“{shown_zh}”", f"{name}: '{shown_en}' does not have the expected format"
        hint = (f"格式应符合 {limit}", f"the value must match {limit}")
    elif constraint in ("minimum", "maximum"):
        word = ("不能小于", "must not be below") if constraint == "minimum" else ("不能大于", "must not exceed")
        zh, en = f"“{label}”{word[0]} {limit}（现为 {shown_zh}）", f"{name} {word[1]} {limit} (is {shown_en})"
        hint = (f"请核对“{label}”", f"Check {name}")
    elif constraint in ("maxLength", "minLength"):
        zh, en = f"“{label}”过长（最多 {limit} 字）", f"{name} is too long (at most {limit} characters)"
        hint = ("请精简内容", "Shorten the text")
    else:
        zh, en = f"“{label}”不符合要求：{_note(note or '', EMPTY_ZH)}", f"{name}: {_note(note or '', EMPTY_EN)}"
        hint = ("请核对", "Check the value")
    return Problem(f"constraint-{constraint or 'other'}", ERROR, source.file, zh, en,
                   hint_zh=hint[0], hint_en=hint[1], **common)


def _column_of(source: Source, name: str | None) -> str | None:
    """The column as written in the source for a field name (a Chinese title, perhaps)."""
    if name is None or source.table is None:
        return name
    for column in source.table.header:
        if tableschemas.field_named(source.kind, column) == name:
            return column
    return name


def _letter(index: int) -> str:
    from generator.problems import column_letter

    return column_letter(index)

"""What a record's page showed at one version, and what changed from one version to the next.

A snapshot keeps the published fields only, with every text masked (generator/site/privacy.py):
never the mobile column, never officials.csv. A ledger or roster is read by the loader's own
readers (generator/load/tables.py), so an old version in CSV (UTF-8 or GBK) or in an Excel workbook
gives the same lines as the site would have shown: headers in Chinese or English, total rows left out.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal, InvalidOperation

from generator import tableschemas
from generator.site.privacy import mask_personal

# What a snapshot keeps: the published fields only, with the words the site uses for them.
HEADER_FIELDS = {
    "period": [("period", "期间"), ("opening_balance", "上期结存"), ("closing_balance", "本期结存"),
               ("prepared_by", "制表人"), ("review.reviewer", "审核人"), ("review.reviewed_on", "审核日期"),
               ("review.opinion", "审核意见"), ("published_on", "公开日期"), ("amendment", "更正说明")],
    "report": [("title", "标题"), ("type", "类型"), ("date", "日期"), ("status", "整改状态"), ("due", "整改期限")],
    "roster": [("name", "委员会名称"), ("elected_on", "选举日期"), ("elected_by", "选举方式"),
               ("term_start", "任期开始"), ("term_end", "任期结束")],
}
LINE_FIELDS = {
    "period": [("date", "日期"), ("voucher", "凭证号"), ("category", "类别"), ("summary", "摘要"),
               ("income", "收入"), ("expense", "支出"), ("funding_source", "资金来源"), ("handled_by", "经办人")],
    "roster": [("name", "姓名"), ("role", "职务"), ("political_status", "政治面貌"), ("sub_group", "工作小组"),
               ("duties", "分工")],
}
# A record page's tables (issue 18: c/<code>/<kind>/): record kind → its tables (file stem = Table Schema).
RECORD_TABLES = {"inspections": ("inspections",), "elections": ("elections", "member_changes"),
                 "decisions": ("decisions",), "projects": ("projects",), "assets": ("assets",),
                 "trainings": ("trainings",), "allowances": ("allowances",)}
# A row's identity across versions: the schema's primaryKey; these tables' schemas declare none,
# so the fields a clerk would name the row by (a change elsewhere in the row is then a change, not
# a removal and an addition).
ROW_KEYS = {"member_changes": ("changed_on", "name"), "decisions": ("decided_on", "matter"),
            "projects": ("project", "stage"), "assets": ("asset",), "trainings": ("held_on", "topic"),
            "allowances": ("year", "item", "name")}
TABLE_TITLES = {"inspections": "检查验收", "elections": "选举", "member_changes": "成员变动", "decisions": "重要事项",
                "projects": "工程项目", "assets": "资产资源", "trainings": "学习培训", "allowances": "报酬补贴"}
ROW = ("row", "记录")  # a record table line's identity as shown: '<table title>：<key>'


def record_fields(page: str | None = None) -> list[tuple[str, str]]:
    """The fields of one record page's tables (all published on it and in its downloads), with
    their titles; every record table's when `page` is None."""
    out = {ROW[0]: ROW[1]}
    for kind, tables in RECORD_TABLES.items():
        if page is not None and kind != page:
            continue
        for table in tables:
            for name, f in tableschemas.fields(table).items():
                out.setdefault(name, f.get("title", name))
    return list(out.items())


def row_key(table: str) -> tuple[str, ...]:
    return tuple(tableschemas.schema(table).get("primaryKey") or ROW_KEYS.get(table, ()))


LINE_FIELDS["record"] = record_fields()
HEADER_FIELDS["record"] = []
LINE_KEY = {"period": "voucher", "roster": "name", "record": ROW[0]}
TABLE_KIND = {"period": "ledger_lines", "roster": "members"}  # the Table Schema whose header aliases apply
AMOUNTS = ("income", "expense")


# --- snapshots ---------------------------------------------------------------------------------

def _text(data: bytes) -> str:
    text = data.decode("utf-8-sig", "replace")
    return text.replace("\r\n", "\n")


def _flat(value, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out |= _flat(v, f"{prefix}{k}.")
        return out
    if value is None:
        return {prefix[:-1]: ""}
    return {prefix[:-1]: str(value)}


def yaml_mapping(text: str) -> dict | None:
    """A YAML mapping read as the loader reads it (generator/load/yamlfile.py: no aliases, bounded,
    every scalar text as written), so an old version shows what its page showed; None if refused."""
    from generator.load import yamlfile

    try:
        parsed = yamlfile.parse(text)
    except yamlfile.YamlRefused:
        return None
    return _plain(parsed) if isinstance(parsed, dict) else None


def _plain(value):
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return getattr(value, "text", value)


def _yaml(text: str) -> dict[str, str]:
    parsed = yaml_mapping(text)
    return _flat(parsed) if parsed is not None else {}


def table_rows(rel: str, data: bytes, kind: str, city: dict | None = None) -> list[dict[str, str]]:
    """A ledger's or roster's lines at one version, read as the loader reads them (a printed
    board's layout with the city's category lists from `city`, its city.yaml): [{field: text}]
    with the published fields only. A version the loader refused (never published) has none."""
    from generator.load import board as boards
    from generator.load import categories
    from generator.load import readfile
    from generator.load.tables import TableRefused
    from generator.load.totalrows import drop_total_rows

    table_kind = TABLE_KIND.get(kind) or rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    try:
        table = readfile.read_table(data, rel, table_kind)
        if table_kind == "ledger_lines" and boards.needs_board(table.header):
            stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            where = boards.Where(rel, rel.split("/")[1], stem)
            table = boards.read_board(readfile.read_table(data, rel, table_kind, first_row_header=False), where,
                                      *categories.city_lists(city)).table
        elif table_kind == "ledger_lines":
            table, _ = drop_total_rows(table, rel, None)
    except TableRefused:
        return []
    aliases = tableschemas.header_aliases(table_kind)
    columns = {aliases.get(h.strip(), h.strip()): i for i, h in reversed(list(enumerate(table.header)))}
    names = list(tableschemas.fields(table_kind)) if kind == "record" else [name for name, _ in LINE_FIELDS[kind]]
    wanted = [(name, columns.get(name)) for name in names]
    rows = [{name: _cell(name, row[i]) if i is not None and i < len(row) else "" for name, i in wanted}
            for row in table.rows if any(cell.strip() for cell in row)]
    if kind == "record":  # each row named by its table and key, so two tables' rows never meet
        title = TABLE_TITLES.get(table_kind, table_kind)
        key = row_key(table_kind)
        rows = [{ROW[0]: f"{title}：" + " / ".join(row.get(k, "") for k in key)} | row for row in rows]
    return rows


def _cell(name: str, text: str) -> str:
    """A cell as the page shows it: an amount to the fen (a workbook's 440.5 is 440.50), any text masked."""
    text = text.strip()
    if name in AMOUNTS and text:
        try:
            return f"{Decimal(text.replace(',', '')):.2f}"
        except InvalidOperation:
            pass
    return mask_personal(text)


def snapshot(record: str, files: dict[str, bytes], city: dict | None = None) -> dict:
    """What the record's page showed at one version, published fields only, masked:
    {"header": {field: text}, "lines": [{field: text}], "text": report body}. `city`: the city.yaml
    as loaded, for the category lists a printed board's lines are read with."""
    kind = record.split("/")[0]
    header: dict[str, str] = {}
    lines: list[dict[str, str]] = []
    text = ""
    for rel, data in sorted(files.items()):
        if rel.endswith(".yaml"):
            header |= _yaml(_text(data))
        elif rel.endswith((".csv", ".xlsx")) and kind == "record":
            lines += table_rows(rel, data, kind, city)
        elif rel.endswith((".csv", ".xlsx")) and kind in LINE_FIELDS:
            lines = table_rows(rel, data, kind, city)
        elif rel.endswith(".md"):
            front, _, rest = _front_matter(_text(data))
            header |= _yaml(front)
            text = rest
    wanted = [name for name, _ in HEADER_FIELDS[kind]]
    header = {k: mask_personal(header.get(k, "")) for k in wanted}
    return {"header": header, "lines": lines, "text": mask_personal(text)}


def _front_matter(text: str) -> tuple[str, str, str]:
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                return "\n".join(lines[1:i]), "", "\n".join(lines[i + 1:]).strip("\n")
    return "", "", text


# --- diffs -------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9_.,%\-]+|\s+|.", re.S)


def tokens(text: str) -> list[str]:
    """Words for a diff: a run of Latin letters and digits is one word, every Chinese character
    (and every other character) is its own, so a changed amount or character shows alone."""
    return _TOKEN.findall(text)


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """[(op, text)] with op '=' (kept), '-' (removed), '+' (added), word by word."""
    a, b = tokens(old), tokens(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("+", "".join(b[j1:j2])))
    return out


def _keyed(rows: list[dict[str, str]], key: str) -> list[tuple[str, dict]]:
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        k = row.get(key, "")
        seen[k] = seen.get(k, 0) + 1
        out.append((f"{k}#{seen[k]}", row))
    return out


def diff(old: dict, new: dict, kind: str | None = None) -> dict:
    """What changed from one snapshot to the next: header fields (old, new), ledger or roster
    lines added, removed and changed field by field, the report text word by word."""
    header = [(k, old["header"].get(k, ""), v) for k, v in new["header"].items() if old["header"].get(k, "") != v]
    added, removed, changed = [], [], []
    key = LINE_KEY.get(kind or _kind_of(new), "")
    if key:
        before = dict(_keyed(old["lines"], key))
        after = dict(_keyed(new["lines"], key))
        for k, row in after.items():
            if k not in before:
                added.append(row)
            elif before[k] != row:
                changed.append((row.get(key, ""), [(f, before[k].get(f, ""), v) for f, v in row.items()
                                                   if before[k].get(f, "") != v]))
        removed = [row for k, row in before.items() if k not in after]
    text = text_diff(old["text"], new["text"]) if old["text"] != new["text"] else []
    return {"header": header, "added": added, "removed": removed, "changed": changed, "text": text}


def _kind_of(snap: dict) -> str:
    if "opening_balance" in snap["header"]:
        return "period"
    if "elected_on" in snap["header"]:
        return "roster"
    return "report"


def is_empty(changes: dict | None) -> bool:
    return not changes or not any(changes[k] for k in ("header", "added", "removed", "changed", "text"))

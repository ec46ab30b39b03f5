"""Title rows above a table's header (华庭里社区居务监督委员会成员名单, 单位：人), as clerks print them.

A table whose first row is not its header (it lacks a required column) but one of the next rows is
(it names every required column, in field names or Chinese titles) is read from that row: the rows
above it are a title, reported once as a warning naming them, never as five missing columns and an
unknown column. Ledgers are read by generator/load/board.py, which does the same and more.
"""

from __future__ import annotations

from dataclasses import replace

from generator import tableschemas
from generator.load.tables import Table
from generator.problems import WARNING, Problem

SEARCH_ROWS = 10


def _fields(kind: str, cells: list[str]) -> set[str]:
    return {tableschemas.field_named(kind, c) for c in cells if c.strip()} - {None}


def _required(kind: str) -> set[str]:
    return {n for n, f in tableschemas.fields(kind).items() if (f.get("constraints") or {}).get("required")}


def below_titles(table: Table, kind: str, file: str, community: str | None) -> tuple[Table, list[Problem]]:
    """(the table read from its real header, [the warning naming the title rows]) or (table, [])."""
    required = _required(kind)
    if not required or required <= _fields(kind, table.header):
        return table, []
    for index, row in enumerate(table.rows[:SEARCH_ROWS]):
        if not required <= _fields(kind, row):
            continue
        titles = [table.header_line] + table.lines[:index]
        shown = "；".join(" ".join(c.strip() for c in r if c.strip())[:60]
                         for r in [table.header] + table.rows[:index])
        width = len(row)
        while width and not row[width - 1].strip():
            width -= 1
        header = [c.strip() for c in row[:width]]
        fixed = replace(table, header=header, rows=table.rows[index + 1:], lines=table.lines[index + 1:],
                        header_line=table.lines[index])
        rows_zh = "、".join(f"第 {n} 行" for n in titles)
        problem = Problem(
            "title-rows", WARNING, file,
            f"{rows_zh}是标题（{shown}），不是表头；已从第 {table.lines[index]} 行的表头读起",
            f"row(s) {', '.join(map(str, titles))} are a title ({shown}), not the header; the table is read from "
            f"the header in row {table.lines[index]}",
            row=titles[0], community=community,
            hint_zh="可以保留标题；如果表格读错了，请删除表头上面的行", hint_en="The title may stay; if the table is "
            "misread, delete the rows above the header")
        return fixed, [problem]
    return table, []

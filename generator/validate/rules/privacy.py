"""Personal data in submitted text (DISCLOSURE.md, PIPL), found by generator/personal.py, the
same detector the site masks with, so what a warning promises is what the site does.

- An ID number (身份证号, 18 characters, or the old 15-digit form) or a bank card number anywhere —
  any table cell, any YAML value, a report's body, even officials.csv, which is never published —
  is an error: DISCLOSURE.md says these are never published, and no masked form of them is
  useful, so they must not be in the data at all.
- A personal mobile number in free text, in any spelling (full-width digits, +86, spaces, dashes,
  dots, zero-width characters), is a warning: every output prints it masked (138****1234). Only
  the members' `mobile` column is meant for mobiles, and officials.csv is never published.
- A home address down to the flat (XX路123号5室, 3栋2单元501室) is a warning: DISCLOSURE.md allows
  the street / building-complex level, so every output keeps that and masks the digits below it.
  A numbered building or a room of a public facility (3号楼道灯, 服务中心301室) is not a home.
- Any of these in a report's file name is an error: the name becomes a web address, which cannot
  be masked.
Values in messages are masked too: a validation report may end up in a CI log.
"""

from __future__ import annotations

from itertools import chain
from typing import Iterable

from generator import personal
from generator.load.sources import Source
from generator.load.yamlfile import Scalar
from generator.problems import ERROR, WARNING, Problem
from generator.validate.rules._base import Context, rule

ID_NUMBER = rule("id-number", ERROR, "任何提交的文字中都不能出现身份证号（18 位或 15 位）",
                 "no ID number (18 or 15 characters) anywhere in the submitted text",
                 "删除身份证号；需要区分人员时写姓名或“张*”", "Delete the ID number; use the name, or 张* for private persons")
BANK_CARD = rule("bank-card", ERROR, "任何提交的文字中都不能出现银行卡号",
                 "no bank card number anywhere in the submitted text",
                 "删除银行卡号；需要说明付款方式时写“银行转账”", "Delete the card number; write 银行转账 (bank transfer) if needed")
MOBILE = rule("personal-mobile", WARNING, "文字中的手机号（无论怎样书写）在网站上会自动打码（138****1234）",
              "a mobile number in free text, however written, is shown masked on the site (138****1234)",
              "如无必要请删除；公开电话请填写办公电话或监督电话", "Remove it unless needed; publish an office phone instead")
HOME_ADDRESS = rule("home-address", WARNING, "文字中精确到室号的住址在网站上会把楼号、单元、室号打码",
                    "a home address down to the flat is shown with its building, unit and flat numbers masked",
                    "只写到街道或小区，例如“华庭里小区”；公共设施请写明名称，如“党群服务中心301室”",
                    "Write the street or housing complex only; name a public facility, e.g. 党群服务中心301室")

IN_FILE_NAME = rule("personal-data-in-file-name", ERROR, "报告的文件名中不能有手机号、身份证号、银行卡号或住址",
                    "a report's file name holds no mobile, ID or card number and no home address",
                    "文件名会成为网页地址，无法打码：改用英文简称，例如 2024-05-20-meeting.md",
                    "The file name becomes the page's address, which cannot be masked: use a short English "
                    "name, e.g. 2024-05-20-meeting.md")

_MOBILE_FIELDS = {("members", "mobile")}
_UNPUBLISHED_KINDS = {"officials"}


def check_personal_data(ctx: Context) -> Iterable[Problem]:
    clean: set[str] = set()  # texts in which the detector found nothing
    for source in ctx.loaded.sources:
        if source.kind == "report":
            yield from _check_file_name(ctx, source)
        # A table whose every cell is clean yields nothing: only its other text is looked at.
        with_table = source.table is not None and not _all_clean(source.table.rows, clean)
        for row, field, text, in_body in _texts(source, with_table):
            if in_body:  # read as Markdown: looked at on its own
                yield from _scan(ctx, source, row, field, text, in_body)
            elif text not in clean:
                if personal.find(text):
                    yield from _scan(ctx, source, row, field, text, in_body)
                else:
                    clean.add(text)


def _all_clean(rows: list[list[str]], clean: set[str]) -> bool:
    """Whether the detector finds nothing in any cell. A city's ~1.2 million ledger cells hold a few
    ten thousand distinct texts, so each distinct text is looked at once (set operations in C),
    never every cell; `clean` collects the clean texts across files."""
    fresh = set(chain.from_iterable(rows)) - clean
    for text in fresh:
        if personal.find(text):
            return False
        clean.add(text)
    return True


def _check_file_name(ctx: Context, source: Source) -> Iterable[Problem]:
    """A report's file name is its page's address (and the feeds' and downloads' links to it),
    which the site cannot mask without breaking every link: personal data there is refused."""
    name = source.file.rsplit("/", 1)[-1]
    found = personal.find(name.removesuffix(".md"))
    if found:
        yield ctx.problem(IN_FILE_NAME, source.file, "报告的文件名中有个人信息，文件名会成为公开的网页地址",
                          "the report's file name holds personal data, and it becomes a public web address",
                          value=personal.mask(name), community=source.community)


def _texts(source: Source, with_table: bool = True) -> Iterable[tuple[int | None, str | None, str, bool]]:
    """(line, field as written, text, is report body) for every piece of submitted text (a table's
    cells only `with_table`)."""
    if with_table and source.table is not None:
        header = source.table.header
        for cells, line in zip(source.table.rows, source.table.lines):
            for i, text in enumerate(cells):
                yield line, header[i] if i < len(header) else None, text, False
    for key, value in (source.record or {}).items():
        for scalar in value if isinstance(value, list) else [value]:
            if isinstance(scalar, Scalar):
                yield scalar.line, key, scalar.text, False
    for offset, text in enumerate(source.body.splitlines()):
        yield source.body_line + offset, None, text, True


def _scan(ctx: Context, source: Source, row: int | None, field: str | None, text: str,
          in_body: bool) -> Iterable[Problem]:
    found = personal.find(text, markdown=in_body)
    if not found:
        return
    name = _field_name(source, field)
    where = dict(row=row, field=name, community=source.community)
    refused = [f for f in found if f.kind in (personal.ID, personal.BANK)]
    for f in refused[:1]:  # one message a cell: the clerk deletes the number, then sees the rest
        if f.kind == personal.ID:
            yield ctx.problem(ID_NUMBER, source.file, "内容中有身份证号，身份证号不能提交、不能公开",
                              "the text contains an ID number; ID numbers are never submitted or published",
                              value=_mask_id(f.digits), **where)
        else:
            yield ctx.problem(BANK_CARD, source.file, "内容中有银行卡号，银行卡号不能提交、不能公开",
                              "the text contains a bank card number; card numbers are never submitted or published",
                              value="*" * (len(f.digits) - 4) + f.digits[-4:], **where)
    if refused or source.kind in _UNPUBLISHED_KINDS:
        return
    mobile = next((f for f in found if f.kind == personal.MOBILE), None)
    address = next((f for f in found if f.kind == personal.ADDRESS), None)
    if mobile is not None and (source.kind, name) not in _MOBILE_FIELDS:
        # One message a cell (Problems keeps the first): it names the address too.
        also_zh, also_en = ("；同一处还有精确到室号的住址，楼号、单元、室号也会打码",
                            "; the same text also holds a home address, whose numbers are masked too") \
            if address is not None else ("", "")
        yield ctx.problem(MOBILE, source.file, "内容中有手机号，网站、下载、订阅和打印稿上都会显示为打码形式（如 138****1234）"
                          + also_zh, "the text contains a mobile number; the site, downloads, feeds and printed "
                          "sheets show it masked (138****1234)" + also_en, value=mobile.masked(text), **where)
    elif address is not None:
        yield ctx.problem(HOME_ADDRESS, source.file, "内容中有精确到室号的住址，网站上会把楼号、单元、室号打码",
                          "the text contains a home address down to the flat; the site masks its building, unit "
                          "and flat numbers", value=address.masked(text), **where)


def _field_name(source: Source, written: str | None) -> str | None:
    if written is None or source.table is None:
        return written
    from generator import tableschemas

    return tableschemas.field_named(source.kind, written) or written


def _mask_id(text: str) -> str:
    return text[:6] + "*" * 8 + text[14:]


CHECKS = [check_personal_data]

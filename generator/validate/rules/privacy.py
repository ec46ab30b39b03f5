"""Personal data in submitted text (DISCLOSURE.md, PIPL).

- An ID number (身份证号, 18 characters) anywhere — any table cell, any YAML value, a report's
  body, even officials.csv, which is never published — is an error: it must not be in the data.
- A personal mobile number written as 11 plain digits in a free-text field is a warning: the site
  prints it masked (138****1234, render.py's `finalize`), and the clerk is told so. Only the
  members' `mobile` column is meant for mobiles, and officials.csv is never published.
- A mobile the masking cannot recognise (written with spaces or dashes), or one in a report's
  Markdown body (rendered as HTML, which the template's masking does not see), is an error.
Values in messages are masked too: a validation report may end up in a CI log.
"""

from __future__ import annotations

import re
from typing import Iterable

from generator.formats import normalise_cell
from generator.load.sources import Source
from generator.load.yamlfile import Scalar
from generator.problems import ERROR, WARNING, Problem
from generator.validate.rules._base import Context, rule

ID_NUMBER = rule("id-number", ERROR, "任何提交的文字中都不能出现 18 位身份证号",
                 "no 18-character ID number anywhere in the submitted text",
                 "删除身份证号；需要区分人员时写姓名或“张*”", "Delete the ID number; use the name, or 张* for private persons")
MOBILE = rule("personal-mobile", WARNING, "文字中的 11 位手机号在网站上会自动打码（138****1234）",
              "an 11-digit mobile number in free text is shown masked on the site (138****1234)",
              "如无必要请删除；公开电话请填写办公电话或监督电话", "Remove it unless needed; publish an office phone instead")
MOBILE_UNMASKED = rule("personal-mobile-unmasked", ERROR,
                       "无法自动打码的手机号（带空格或横线，或写在报告正文中）不能提交",
                       "a mobile number that cannot be masked (spaced or dashed, or in a report's body) is refused",
                       "删除手机号，或改写为打码形式，例如 138****1234", "Remove it, or write it masked, e.g. 138****1234")

# A cheap first look on text as typed (full-width digits too): nothing below matches without it.
_RAW_DIGIT_RUN = re.compile("[0-9\uff10-\uff19]{3}[ \\-\u3000\uff0d]?[0-9\uff10-\uff19]{3}")
_ID = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
                 r"[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_MOBILE_SPLIT = re.compile(r"(?<![0-9])1[3-9][0-9][ \-][0-9]{4}[ \-][0-9]{4}(?![0-9])")
_MOBILE_FIELDS = {("members", "mobile")}
_UNPUBLISHED_KINDS = {"officials"}


def check_personal_data(ctx: Context) -> Iterable[Problem]:
    for source in ctx.loaded.sources:
        for row, field, text, in_body in _texts(source):
            yield from _scan(ctx, source, row, field, text, in_body)


def _texts(source: Source) -> Iterable[tuple[int | None, str | None, str, bool]]:
    """(line, field as written, text, is report body) for every piece of submitted text."""
    if source.table is not None:
        header = source.table.header
        for cells, line in zip(source.table.rows, source.table.lines):
            if not _RAW_DIGIT_RUN.search("\x1f".join(cells)):
                continue
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
    if not _RAW_DIGIT_RUN.search(text):
        return
    text = normalise_cell(text)
    name = _field_name(source, field)
    where = dict(row=row, field=name, community=source.community)
    for m in _ID.finditer(text):
        yield ctx.problem(ID_NUMBER, source.file, "内容中有身份证号，身份证号不能提交、不能公开",
                          "the text contains an ID number; ID numbers are never submitted or published",
                          value=_mask_id(m.group()), **where)
        return
    if source.kind in _UNPUBLISHED_KINDS or (source.kind, name) in _MOBILE_FIELDS:
        return
    split = _MOBILE_SPLIT.search(text)
    plain = _MOBILE.search(text)
    if split or (plain and in_body):
        number = re.sub(r"\D", "", (split or plain).group())
        yield ctx.problem(MOBILE_UNMASKED, source.file,
                          "报告正文中有手机号，公开时无法打码" if in_body and not split else "手机号中带有空格或横线，公开时无法自动打码",
                          "a mobile number in a report's body cannot be masked" if in_body and not split
                          else "a mobile number written with spaces or dashes cannot be masked",
                          value=_mask_mobile(number), **where)
    elif plain:
        yield ctx.problem(MOBILE, source.file, "内容中有手机号，网站上会显示为打码形式（如 138****1234）",
                          "the text contains a mobile number; the site will show it masked (138****1234)",
                          value=_mask_mobile(plain.group()), **where)


def _field_name(source: Source, written: str | None) -> str | None:
    if written is None or source.table is None:
        return written
    from generator import tableschemas

    aliases = tableschemas.header_aliases(source.kind)
    return aliases.get(written) or aliases.get(written.lower()) or written


def _mask_id(text: str) -> str:
    return text[:6] + "*" * 8 + text[14:]


def _mask_mobile(text: str) -> str:
    return text[:3] + "****" + text[7:]


CHECKS = [check_personal_data]

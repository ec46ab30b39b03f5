"""Communities held back: one community's bad data never stops the city from publishing.

A data error in a community's folder (a file Juwu cannot read or trust) holds that community
back: its last good pages, downloads and search entries stay as they were, each page marked
数据待更正 with since when and which files, and the rest of the city publishes. A data error in
the city's own files still stops the build. Compliance findings never hold anything back.
"""

from __future__ import annotations

import dataclasses
import datetime
import html
import re

from generator.layout import community_of
from generator.model import Community, HeldBack
from generator.problems import ERROR, Problem

# Every page of a community carries the mark; a held-back community's pages carry the notice after it.
MARK = "<!--juwu:held-->"
_NOTICE = re.compile(r"<!--juwu:held-notice-->.*?<!--/juwu:held-notice-->", re.S)


def split_errors(problems: list[Problem], known: set[str]) -> tuple[list[Problem], dict[str, list[Problem]]]:
    """(errors that stop the build, data errors of each community in the city). A data error
    belongs to a community when it is in that community's folder; an error of a folder that is
    no community of the city (not in communities.csv) holds nothing back, since nothing of it is
    published; every other error is the city's."""
    city: list[Problem] = []
    held: dict[str, list[Problem]] = {}
    for p in problems:
        if p.severity != ERROR:
            continue
        code = community_of(p.file) or (p.community if p.community in known and not _city_file(p.file) else None)
        if code is None:
            city.append(p)
        elif code in known:
            held.setdefault(code, []).append(p)
    return city, held


def _city_file(rel: str) -> bool:
    return community_of(rel) is None and "/" not in rel


def held_back(errors: list[Problem], since: datetime.date, published: bool) -> HeldBack:
    files = tuple(sorted({p.file for p in errors}))
    return HeldBack(since, files, len(errors), published)


def bare(community: Community) -> Community:
    """A community that never published good data: its row in communities.csv and nothing else."""
    return dataclasses.replace(community, committee=None, members=[], officials=[], periods=[], reports=[],
                               opinions=[], evaluations=[], warnings=[], findings=[])


def notice_html(held: HeldBack) -> str:
    files = "、".join(held.files[:5]) + ("等" if len(held.files) > 5 else "")
    if held.published:
        what = "以下为最近一次核对无误时公开的内容，更正后自动更新。"
        what_en = "What follows is what was last published with good data; it updates once corrected."
    else:
        what = "本社区尚无核对无误的数据，更正后即公开。"
        what_en = "No good data of this community has been published yet; it will be once corrected."
    return (
        '<!--juwu:held-notice--><div class="admonition danger juwu-held" role="alert">'
        '<p class="admonition-title">数据待更正</p>'
        f"<p>自 {held.since.isoformat()} 起，本社区的数据有 {held.errors} 处错误（{html.escape(files)}），"
        f"暂停更新。{what}</p>"
        f'<p lang="en"><small>Data being corrected since {held.since.isoformat()}: {held.errors} errors in '
        f"{html.escape(', '.join(held.files[:5]))}. {what_en}</small></p>"
        "</div><!--/juwu:held-notice-->"
    )


def mark(page: str, held: HeldBack | None) -> str:
    """A community page with the notice for `held` (or with none), whatever it carried before."""
    page = _NOTICE.sub("", page)
    if held is None or MARK not in page:
        return page
    return page.replace(MARK, MARK + notice_html(held), 1)

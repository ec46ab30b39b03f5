"""Supervision in the demo city: every finding's states shown somewhere, open and closed.

Applied to the generated files of a demo city (pure: files in, files out) so the site shows what
supervision looks like: a committee of six, a member who should stand aside, opinions answered
late or not at all, disclosure that stopped, a period published late, problems followed to
closure or overdue, evaluations missing, late or failed twice, annual reports missing or late.
Only cities of at least MIN_COMMUNITIES communities get them (small test cities stay plain).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import yaml

from generator.demo_records import add_records, table_rows, table_text

MIN_COMMUNITIES = 10
RESPONSIBLE = ("社区居民委员会", "物业服务企业", "社区居民委员会", "社区财务室")


def _front(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def add_examples(files: dict[str, str], headers: dict[str, list[str]], as_of: date, dump_yaml) -> None:
    """Change `files` in place (a demo city's, before its Data Package is written)."""
    codes = sorted({p.split("/")[1] for p in files if p.endswith("/committee.yaml")})
    if len(codes) < 12:
        return
    for code in codes:
        _rectifications(files, headers, code, as_of, dump_yaml, showcase=code == codes[0])
    _sixth_member(files, codes[1])
    _late_opinions(files, codes[2], as_of)
    _stop_disclosure(files, codes[3])
    _incompetent_twice(files, codes[4])
    files.pop(f"communities/{codes[5]}/evaluations.csv", None)  # a year without evaluation
    _evaluation_held_late(files, codes[6])
    _drop_annual_report(files, codes[7])
    _annual_report_late(files, codes[8], dump_yaml)
    _published_late(files, codes[9], dump_yaml)
    _relative_of_official(files, codes[10])
    _member_changes(files, headers, codes[1], [("补选", "委员", "2024-06-12", "2024-08-01", "居民代表会议补选委员")])
    _member_changes(files, headers, codes[11], [("辞职", "委员", "2024-03-08", "2024-03-15", "因工作调动辞去委员职务"),
                                                ("补选", "委员", "2024-04-10", "2024-04-18", "居民代表会议补选委员")])
    add_records(files, headers, codes, as_of)
    _street_offices(files, set(codes))


def _street_offices(files, with_committee: set[str]) -> None:
    """The public contact of the street offices of communities without a committee, all but one:
    the page shows the office where the city gives one, the hotline where it does not."""
    rows = list(csv.DictReader(io.StringIO(files["communities.csv"])))
    without = [r for r in rows if r["code"] not in with_committee]
    streets = sorted({r["code"][:9]: r["street"] for r in without}.items())
    if len(streets) < 2:
        return
    lines = ["", "# Street offices' public contacts (街道办事处), shown on the page of a community without a committee.",
             "street_offices:"]
    for i, (street, name) in enumerate(s for k, s in enumerate(streets) if k != 1):
        lines.append(f'  "{street}": {{name: {name}办事处, phone: "0831-82{street[-3:]}{i}0", '
                     f'address: {name}便民服务中心二楼, hours: "工作日 9:00-12:00，13:30-17:30"}}')
    files["city.yaml"] = files["city.yaml"].rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def _rectifications(files, headers, code, as_of, dump_yaml, showcase: bool) -> None:
    """One item per 监督事项 report, as the report says; the showcase has every state."""
    base = f"communities/{code}"
    rows = []
    for path in sorted(p for p in files if p.startswith(f"{base}/reports/")):
        meta, _ = _front(files[path])
        if meta.get("type") != "监督事项" or not meta.get("due"):
            continue
        found, due = date.fromisoformat(meta["date"]), date.fromisoformat(meta["due"])
        slug = path.rsplit("/", 1)[1].removesuffix(".md")
        status = meta.get("status", "整改中")
        closed = min(due, found + timedelta(days=12)) if status == "已整改" else None
        problem = meta["title"].removeprefix("关于").removesuffix("的监督") + "存在问题"
        rows.append([f"{found.year}-{len(rows) + 1:02d}", found.isoformat(), slug, problem,
                     RESPONSIBLE[len(rows) % len(RESPONSIBLE)], due.isoformat(), status,
                     closed.isoformat() if closed else "", "已按监督意见整改，台账已补齐。" if closed else "", ""])
    if showcase and rows:
        first = rows[0]
        found = date.fromisoformat(first[1])
        extra = [
            ("楼道堆物清理不及时", "物业服务企业", found + timedelta(days=20), "已整改", found + timedelta(days=35),
             "已组织清理并建立每周巡查制度。"),  # closed late
            ("公开栏财务公示未按期更换", "社区居民委员会", found + timedelta(days=15), "整改中", None, ""),  # overdue
            ("居民活动室使用登记不全", "社区居民委员会", as_of + timedelta(days=20), "待整改", None, ""),  # not yet due
        ]
        for i, (problem, who, due, status, closed, action) in enumerate(extra, len(rows) + 1):
            rows.append([f"{found.year}-{i:02d}", found.isoformat(), first[2], problem, who, due.isoformat(), status,
                         closed.isoformat() if closed else "", action, ""])
    if rows:
        files[f"{base}/rectifications.csv"] = table_text(headers["rectifications"], rows)


def _sixth_member(files, code) -> None:
    path = f"communities/{code}/members.csv"
    header, rows = table_rows(files[path])
    names = {r[0] for r in rows}
    for name in ("石慧敏", "高志远", "陶立群", "严秀英"):
        if len(rows) >= 6:
            break
        if name in names:
            continue
        row = [""] * len(header)
        row[header.index("name")], row[header.index("role")] = name, "委员"
        row[header.index("political_status")], row[header.index("retired")] = "群众", "是"
        row[header.index("concurrent_post")], row[header.index("duties")] = "退休职工", "协助收集居民意见"
        rows.append(row)
    files[path] = table_text(header, rows)


def _late_opinions(files, code, as_of) -> None:
    path = f"communities/{code}/opinions.csv"
    header, rows = table_rows(files[path])
    col = {name: header.index(name) for name in header}
    for row in rows:  # the first answered one: answered 15 days after it came
        if row[col["status"]] == "已答复" and row[col["received_on"]]:
            row[col["answered_on"]] = (date.fromisoformat(row[col["received_on"]]) + timedelta(days=15)).isoformat()
            break
    waiting = [""] * len(header)
    waiting[col["received_on"]] = (as_of - timedelta(days=24)).isoformat()
    waiting[col["channel"]], waiting[col["subject"]] = "来访", "小区健身器材损坏"
    waiting[col["content"]] = "反映小区中心绿地的健身器材螺丝松动，存在安全隐患，希望尽快维修。"
    waiting[col["status"]] = "办理中"
    files[path] = table_text(header, rows + [waiting])


def _stop_disclosure(files, code) -> None:
    """Its last three months were never disclosed."""
    finance = sorted(p for p in files if p.startswith(f"communities/{code}/finance/") and p.endswith(".yaml"))
    for path in finance[-3:]:
        files.pop(path)
        files.pop(path[:-5] + ".csv")


def _incompetent_twice(files, code) -> None:
    path = f"communities/{code}/evaluations.csv"
    header, rows = table_rows(files[path])
    col = {name: header.index(name) for name in header}
    person = next(r for r in rows if r[col["excellent"]] != "")

    def failed(row: list[str]) -> list[str]:
        row = list(row)
        valid = int(row[col["ballots_valid"]])
        bad = valid // 2 + 3
        row[col["excellent"]], row[col["competent"]] = "2", str(valid - bad - 4)
        row[col["basically_competent"]], row[col["incompetent"]] = "2", str(bad)
        return row

    year_before = failed(person)
    year_before[col["year"]] = str(int(person[col["year"]]) - 1)
    held = date.fromisoformat(person[col["held_on"]])
    year_before[col["held_on"]] = held.replace(year=held.year - 1).isoformat()
    rows = [year_before] + [failed(r) if r is person else r for r in rows]
    files[path] = table_text(header, rows)


def _evaluation_held_late(files, code) -> None:
    path = f"communities/{code}/evaluations.csv"
    header, rows = table_rows(files[path])
    for row in rows:
        year = int(row[header.index("year")])
        row[header.index("held_on")] = date(year + 1, 1, 20).isoformat()
    files[path] = table_text(header, rows)


def _drop_annual_report(files, code) -> None:
    for path in [p for p in files if p.startswith(f"communities/{code}/reports/") and p.endswith("-annual-report.md")]:
        files.pop(path)


def _annual_report_late(files, code, dump_yaml) -> None:
    for path in [p for p in files if p.startswith(f"communities/{code}/reports/") and p.endswith("-annual-report.md")]:
        meta, body = _front(files.pop(path))
        year = date.fromisoformat(meta["date"]).year
        day = date(year + 1, 1, 22)
        meta["date"] = day.isoformat()
        files[re.sub(r"/\d{4}-\d{2}-\d{2}-annual", f"/{day.isoformat()}-annual", path)] = \
            "---\n" + dump_yaml(meta) + "---\n" + body


def _published_late(files, code, dump_yaml) -> None:
    """One month published 20 days after it ended (the city gives 15)."""
    finance = sorted(p for p in files if p.startswith(f"communities/{code}/finance/") and p.endswith(".yaml"))
    path = finance[len(finance) // 2]
    header = yaml.safe_load(files[path])
    year, month = map(int, header["period"].split("-"))
    end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    header["review"]["reviewed_on"] = (end + timedelta(days=17)).isoformat()
    header["published_on"] = (end + timedelta(days=20)).isoformat()
    files[path] = dump_yaml(header)


def _relative_of_official(files, code) -> None:
    """A member who is the spouse of a residents' committee member: avoidance."""
    members_header, members = table_rows(files[f"communities/{code}/members.csv"])
    member = next(r for r in members if r[members_header.index("role")] == "委员")
    path = f"communities/{code}/officials.csv"
    header, rows = table_rows(files[path])
    row = [""] * len(header)
    row[header.index("name")], row[header.index("body")], row[header.index("post")] = "钱国栋", "居民委员会", "委员"
    row[header.index("relative")], row[header.index("relation")] = member[members_header.index("name")], "配偶"
    files[path] = table_text(header, rows + [row])


def _member_changes(files, headers, code, changes) -> None:
    """Changes after the election: the last member joined by 补选 (published in time, or late)."""
    members_header, members = table_rows(files[f"communities/{code}/members.csv"])
    joined = members[-1][members_header.index("name")]
    rows = []
    for change, role, day, published, reason in changes:
        name = joined if change == "补选" else "周建新"
        before, after = (role, "") if change == "辞职" else ("", role)
        rows.append([day, name, change, before, after, reason, "居民代表会议", published])
    files[f"communities/{code}/member_changes.csv"] = table_text(headers["member_changes"], rows)

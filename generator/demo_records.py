"""Issue 18's records in the demo city: inspections and assessments, elections, decisions, projects,
assets and training for every committee, with every state of the rules shown somewhere — an
inspection failed with its problem still open, one put right through the rectification list, one
put right late, an election without a quorum, one published late.

Pure (files in, files out), applied by demo_examples.add_examples after the other examples, so the
history of a community whose member joined by 补选 or resigned reads right.
"""

from __future__ import annotations

import csv
import io
import zlib
import re
from datetime import date, timedelta
from decimal import Decimal

ITEMS = ("组织建设", "六统一落实", "工作制度", "财务公开监督", "工作台账")
GROUPS = {"检查验收": "{district}居务监督委员会建设检查验收组", "年中督查": "{district}纪委监委年中督查组",
          "年底考核": "{district}居务监督工作考核组"}
MID_YEAR = date(2024, 6, 18)
PROBLEMS = {"六统一落实": "统一监督举报箱未安装到位", "工作制度": "监督制度未上墙公示", "工作台账": "工作例会记录不完整",
            "财务公开监督": "财务公开栏未按月更新"}


def table_rows(text: str) -> tuple[list[str], list[list[str]]]:
    """A CSV file's header and rows (the demo's own files: UTF-8, one header line)."""
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def table_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows([header, *rows])
    return buf.getvalue()


def _pick(code: str, salt: str, n: int) -> int:
    """A stable choice among n for a community (no random state shared with the rest of the demo)."""
    return zlib.crc32(f"{code}/{salt}".encode()) % n


def _committee(files, code) -> dict[str, str]:
    found = {}
    for line in files[f"communities/{code}/committee.yaml"].splitlines():
        if ":" in line and not line.startswith(" "):
            key, value = line.split(":", 1)
            found[key] = value.strip().strip('"')
    return found


def _phases(files) -> dict[str, dict[int, date]]:
    header, rows = table_rows(files["rollout.csv"])
    found: dict[str, dict[int, date]] = {}
    for r in rows:
        found.setdefault(r[0], {})[int(r[1])] = date.fromisoformat(r[2])
    return found


def add_records(files: dict[str, str], headers: dict[str, list[str]], codes: list[str], as_of: date) -> None:
    codes = [c for c in codes if c.isdigit()]  # the caller's list also holds schemas/committee.yaml's stem
    phases = _phases(files)
    districts = {}
    c_header, c_rows = table_rows(files["communities.csv"])
    for r in c_rows:
        districts[r[0]] = r[c_header.index("district")]
    for i, code in enumerate(codes):
        _inspections(files, headers, code, districts.get(code, ""), phases.get(code, {}), as_of, i)
        _elections(files, headers, code, i)
        _registers(files, headers, code, i, as_of)
    _failed_open(files, headers, codes[0], districts.get(codes[0], ""))
    _followed_in_rectifications(files, headers, codes[2])
    _rectified_late(files, headers, codes[3])
    _election_without_quorum(files, headers, codes[5])
    _election_published_late(files, headers, codes[6])
    _registers_late(files, codes[7])
    for i, code in enumerate(codes):
        _allowances(files, headers, code, i)
    _budget_overspent(files, codes[8])
    _chair_paid_low_and_no_budget(files, headers, next(c for c in codes[9:] if _nested(files, c, "heads_basic_pay")))


def _inspections(files, headers, code, district, phases, as_of, index) -> None:
    elected = date.fromisoformat(_committee(files, code)["elected_on"])
    rows = []
    plan = [("检查验收", phases.get(4)), ("年底考核", phases.get(7)), ("年中督查", MID_YEAR)]
    for kind, day in plan:
        if day is None or day > as_of or day < elected:
            continue
        ident = f"{day.year}-{kind[:2]}"
        group = GROUPS[kind].format(district=district)
        weak = ITEMS[_pick(code, kind, len(ITEMS))] if _pick(code, kind + "/weak", 3) == 0 else None
        for item in ITEMS:
            if item == weak:
                by = day + timedelta(days=30)
                rows.append([ident, kind, day.isoformat(), group, item, "基本合格", "", PROBLEMS.get(item, "资料不齐全"),
                             by.isoformat(), (day + timedelta(days=12 + index % 10)).isoformat(), ""])
            else:
                rows.append([ident, kind, day.isoformat(), group, item, "合格", "", "", "", "", ""])
        if kind == "年底考核":  # scored: 总评 carries the score
            score = 80 + _pick(code, "score", 18) - (6 if weak else 0)
            rows.append([ident, kind, day.isoformat(), group, "总评", "", str(score), "", "", "", ""])
        else:
            rows.append([ident, kind, day.isoformat(), group, "总评", "基本合格" if weak else "合格", "", "", "", "", ""])
    if rows:
        files[f"communities/{code}/inspections.csv"] = table_text(headers["inspections"], rows)


def _set_mid_year(files, code, item: str, cells: list[str], overall: str) -> None:
    """Give the mid-year inspection's `item` these result…rectification cells and its 总评 `overall`
    (the mid-year rows are its file's last rows)."""
    path = f"communities/{code}/inspections.csv"
    header, rows = table_rows(files[path])
    mine = [r for r in rows if r[1] == "年中督查"]
    others = [r for r in rows if r[1] != "年中督查"]
    for r in mine:
        if r[4] == item:
            r[5:11] = cells
        elif r[4] == "总评":
            r[5] = overall
    files[path] = table_text(header, others + mine)


def _failed_open(files, headers, code, district) -> None:
    """The mid-year inspection failed on its finance item; the problem is still open past its deadline."""
    _set_mid_year(files, code, "财务公开监督",
                  ["不合格", "", "财务公开栏连续三个月未更新，账目未经监督委员会审核", "2024-07-31", "", ""], "不合格")


def _followed_in_rectifications(files, headers, code) -> None:
    """The mid-year problem is followed in rectifications.csv, put right in time."""
    ident = "2024-JC1"
    _set_mid_year(files, code, "工作台账", ["基本合格", "", "工作例会记录不完整", "2024-07-31", "", ident], "基本合格")
    path = f"communities/{code}/rectifications.csv"
    header, rows = table_rows(files[path]) if path in files else (headers["rectifications"], [])
    rows.append([ident, MID_YEAR.isoformat(), "", "工作例会记录不完整（年中督查发现）", "社区居民委员会", "2024-07-31",
                 "已整改", "2024-07-15", "补齐例会记录，建立会议签到制度。", ""])
    files[path] = table_text(header, rows)


def _rectified_late(files, headers, code) -> None:
    """The mid-year problem was put right, but after the inspectors' deadline."""
    _set_mid_year(files, code, "六统一落实", ["基本合格", "", "统一监督举报箱未安装到位", "2024-07-18", "2024-08-09", ""],
                  "基本合格")


def _members(files, code) -> list[tuple[str, str]]:
    header, rows = table_rows(files[f"communities/{code}/members.csv"])
    return [(r[header.index("name")], r[header.index("role")]) for r in rows]


def _changes(files, code) -> list[list[str]]:
    path = f"communities/{code}/member_changes.csv"
    return table_rows(files[path])[1] if path in files else []


def _elections(files, headers, code, index) -> None:
    """The committee's election: those elected are today's members, less those who joined later by
    补选, plus those who left since; one candidate was not elected."""
    committee = _committee(files, code)
    held = date.fromisoformat(committee["elected_on"])
    meeting = committee["elected_by"]
    members = _members(files, code)
    joined = {r[1] for r in _changes(files, code) if r[2] == "补选"}
    left = [(r[1], r[3] or "委员") for r in _changes(files, code) if r[2] in ("辞职", "罢免", "终止职务", "去世")]
    elected = [(n, role) for n, role in members if n not in joined] + left
    expected = 40 + _pick(code, "reps", 20) if meeting == "居民代表会议" else 150 + _pick(code, "households", 80)
    present = expected - 2 - _pick(code, "absent", 6)
    published = held + timedelta(days=3 + index % 4)
    rows = []
    for n, (name, role) in enumerate(sorted(elected, key=lambda m: m[1] != "主任")):
        votes = present - 1 - n - _pick(code, name, 4)
        rows.append([held.isoformat(), meeting, str(expected), str(present), name, str(votes), "是", role,
                     published.isoformat()])
    first = ("杜文静", "邵明辉", "韩淑珍")
    order = first[index % 3:] + first[:index % 3] + ("祁永福", "柏晓岚", "葛春生")
    names = {name for name, _ in elected}
    loser = next(c for c in order if c not in names)  # never one of those elected: one row per candidate
    rows.append([held.isoformat(), meeting, str(expected), str(present), loser, str(present // 4), "否", "",
                 published.isoformat()])
    files[f"communities/{code}/elections.csv"] = table_text(headers["elections"], rows)


def _set_elections(files, code, column, value) -> None:
    path = f"communities/{code}/elections.csv"
    header, rows = table_rows(files[path])
    for r in rows:
        r[header.index(column)] = value(r, header)
    files[path] = table_text(header, rows)


def _election_without_quorum(files, headers, code) -> None:
    def short(r, header):  # well under the quorum; no candidate has more votes than were present
        return str(int(r[header.index("expected")]) // 2 - 1)
    _set_elections(files, code, "present", short)
    _set_elections(files, code, "votes", lambda r, h: str(min(int(r[h.index("votes")]), int(r[h.index("present")]))))


def _election_published_late(files, headers, code) -> None:
    _set_elections(files, code, "published_on",
                   lambda r, h: (date.fromisoformat(r[h.index("held_on")]) + timedelta(days=45)).isoformat())


DECISIONS = (
    ("居民代表会议", "小区加装电梯资金使用方案", "同意按楼栋分摊、财政补贴的方案实施，资金专户管理。",
     "方案经居民代表会议表决通过，程序合规；建议每季度公开资金使用情况。"),
    ("社区“两委”联席会议", "社区公益服务项目购买", "同意购买法律咨询服务一年，费用 6,000 元。",
     "已核对报价和合同，建议服务结束后组织居民评价。"),
    ("居民会议", "小区停车管理办法", "同意施划停车位并实行登记停车。", "表决程序规范，已要求公开收费标准。"),
)
PROJECTS = (("小区雨污管网改造", "186000.00", "某某市政工程有限公司"), ("社区活动中心修缮", "48500.00", "某某建筑装饰有限公司"))
ASSETS = (("社区党群服务中心用房", "房产", "社区党群服务中心", "1200000.00", "自用：办公、活动室"),
          ("小区东门广场", "场地", "小区东门", "", "公共活动场地"),
          ("社区电动巡逻车", "车辆", "社区车库", "36000.00", "自用：治安巡逻"))
TRAININGS = (("居务监督委员会职责与工作流程", "区民政局"), ("财务审核与居务公开实务", "街道纪工委"),
             ("民主评议组织与居民意见收集", "区纪委监委"))


def _registers(files, headers, code, index, as_of) -> None:
    base = f"communities/{code}"
    committee = _committee(files, code)
    start = date.fromisoformat(committee["elected_on"])
    rows = []
    for n in range(2):
        meeting, matter, decision, opinion = DECISIONS[(index + n) % len(DECISIONS)]
        day = start + timedelta(days=60 + 120 * n + index % 20)
        if day + timedelta(days=5) <= as_of:
            rows.append([day.isoformat(), meeting, matter, decision, opinion, (day + timedelta(days=5)).isoformat()])
    if rows:
        files[f"{base}/decisions.csv"] = table_text(headers["decisions"], rows)
    name, budget, contractor = PROJECTS[index % len(PROJECTS)]
    begin = date(2024, 3, 1) + timedelta(days=index % 25)
    stages = [("决策", begin, "居民代表会议表决通过，监督委员会列席。"),
              ("招标", begin + timedelta(days=30), "比选三家单位，监督委员会全程监督。"),
              ("施工", begin + timedelta(days=75), "抽查材料进场和施工质量，未发现问题。")]
    if index % 2 == 0:
        stages.append(("验收", begin + timedelta(days=150), "参加竣工验收，核对工程量与决算。"))
    files[f"{base}/projects.csv"] = table_text(headers["projects"], [
        [name, budget, contractor, stage, day.isoformat(), check, (day + timedelta(days=4)).isoformat()]
        for stage, day, check in stages])
    files[f"{base}/assets.csv"] = table_text(headers["assets"], [
        [asset, category, where, value, use, date(2024, 11, 5 + index % 20).isoformat()]
        for asset, category, where, value, use in ASSETS[: 2 + index % 2]])
    members = [name for name, _ in _members(files, code)]
    trainings = []
    for n in range(1 + index % 2):
        topic, organiser = TRAININGS[(index + n) % len(TRAININGS)]
        day = start + timedelta(days=20 + 200 * n + index % 10)
        if day > as_of:
            break
        trainings.append([day.isoformat(), topic, organiser, "、".join(members[:3]), "4"])
    if trainings:
        files[f"{base}/trainings.csv"] = table_text(headers["trainings"], trainings)


def _registers_late(files, code) -> None:
    """A decision published 50 days after it was made; a project's last stage never published."""
    path = f"communities/{code}/decisions.csv"
    header, rows = table_rows(files[path])
    rows[0][header.index("published_on")] = (date.fromisoformat(rows[0][0]) + timedelta(days=50)).isoformat()
    files[path] = table_text(header, rows)
    path = f"communities/{code}/projects.csv"
    header, rows = table_rows(files[path])
    rows[-1][header.index("published_on")] = ""
    files[path] = table_text(header, rows)


YEAR = 2024  # the demo's year of allowances and budgets (its ledgers run through it)
OFFICE_BUDGET = Decimal("12000.00")


def _nested(files, code, key) -> Decimal | None:
    """A money value under a committee.yaml section (chair_pay.monthly_pay …), read as the demo writes it."""
    found = re.search(rf"^  {key}: \"?([0-9.]+)\"?$", files[f"communities/{code}/committee.yaml"], re.M)
    return Decimal(found.group(1)) if found else None


def _office_spending(files, code, year) -> Decimal:
    """The year's ledger spending paid from the 办公经费 fund: what the budget row says was spent."""
    total = Decimal("0")
    for path, text in files.items():
        if path.startswith(f"communities/{code}/finance/{year}-") and path.endswith(".csv"):
            header, rows = table_rows(text)
            for r in rows:
                if r[header.index("funding_source")] == "办公经费" and r[header.index("expense")]:
                    total += Decimal(r[header.index("expense")])
    return total


def _allowances(files, headers, code, index) -> None:
    """allowances.csv: the chair's pay (or a retired chair's allowance), each member's allowance by
    working time, and the year's work budget and office budget with what the ledgers spent."""
    header, rows = table_rows(files[f"communities/{code}/members.csv"])
    retired = {r[0]: r[header.index("retired")] == "是" for r in rows}
    published = date(YEAR + 1, 1, 10 + index % 10).isoformat()
    period = f"{YEAR}年1—12月"
    out = []
    for name, role in sorted(_members(files, code), key=lambda m: m[1] != "主任"):
        if role == "主任":
            pay = _nested(files, code, "monthly_allowance" if retired.get(name) else "monthly_pay")
            item = "主任补贴" if retired.get(name) else "主任报酬"
            standard = pay if pay is not None else Decimal("1500.00")
        else:
            item, standard = "成员补贴", Decimal(300 + 50 * _pick(code, name, 5))
        out.append([str(YEAR), item, name, role, f"{standard:.2f}", f"{standard * 12:.2f}", period, "财政预算", published])
    budget = _nested(files, code, "annual_budget") or Decimal("30000.00")
    used = (budget * Decimal(80 + _pick(code, "used", 15)) / 100).quantize(Decimal("1"))
    out.append([str(YEAR), "工作经费", "", "", f"{budget:.2f}", f"{used:.2f}", period, "财政预算", published])
    office = _office_spending(files, code, YEAR)
    office_budget = max(OFFICE_BUDGET, (office // 10000 + 1) * 10000)  # the next round ten thousand above
    out.append([str(YEAR), "办公经费", "", "", f"{office_budget:.2f}", f"{office:.2f}", period, "街道拨付", published])
    files[f"communities/{code}/allowances.csv"] = table_text(headers["allowances"], out)


def _budget_overspent(files, code) -> None:
    """The work budget was overspent: more paid out than the budget."""
    path = f"communities/{code}/allowances.csv"
    header, rows = table_rows(files[path])
    for r in rows:
        if r[1] == "工作经费":
            r[header.index("paid")] = f"{Decimal(r[header.index('standard')]) + Decimal('3260.00'):.2f}"
    files[path] = table_text(header, rows)


def _chair_paid_low_and_no_budget(files, headers, code) -> None:
    """The year before, the chair was paid below the city's floor and no work budget was published."""
    path = f"communities/{code}/allowances.csv"
    header, rows = table_rows(files[path])
    heads = _nested(files, code, "heads_basic_pay") or Decimal("8000.00")
    low = (heads * Decimal("0.60")).quantize(Decimal("1"))
    chair = next(r for r in rows if r[3] == "主任")
    rows.append([str(YEAR - 1), "主任报酬", chair[2], "主任", f"{low:.2f}", f"{low * 12:.2f}", f"{YEAR - 1}年1—12月",
                 "财政预算", date(YEAR, 1, 20).isoformat()])
    files[path] = table_text(header, rows)

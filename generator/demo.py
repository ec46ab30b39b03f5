"""A deterministic synthetic city (示例市) for demos, tests and benchmarks.

`generate_demo_city(n, seed)` builds every file of a city data folder in memory as
{relative path: text}; `write_demo_city(out_dir, n, seed)` writes it. Same arguments, same bytes:
all randomness comes from random.Random instances seeded from `seed` (one per community, so a
community does not change when another one does), and no date is taken from the clock.

Everything is fictional. Names are composed from common surnames and given names; no ID
numbers, home addresses or bank accounts appear anywhere. Word lists live in demo_text/phrases.yaml.
"""

from __future__ import annotations

import calendar
import csv
import io
import math
import os
import random
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from generator.catalogue import build_descriptor, dump_yaml
from generator.demo_examples import add_examples

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_DIR = PACKAGE_DIR / "schemas"
CITY_DEFAULTS = PACKAGE_DIR / "defaults" / "city.yaml"
PHRASES = PACKAGE_DIR / "demo_text" / "phrases.yaml"

CITY_PREFIX = "3199"  # fictional province/city part of the 12-digit division codes
AREA_CODE = "021"
YEAR = 2024  # the disclosed year: ledgers, opinions, reports and evaluations
CN_NUM = "零一二三四五六七八九十"
SUB_GROUPS = ("居务公开", "民主理财", "民意收集")
# Public holidays of the disclosed year (no ledger lines, meetings or publications on them).
HOLIDAYS = frozenset(
    [date(2024, 1, 1), date(2024, 4, 4), date(2024, 4, 5), date(2024, 6, 10)]
    + [date(2024, 2, d) for d in range(10, 18)] + [date(2024, 5, d) for d in range(1, 6)]
    + [date(2024, 9, d) for d in range(15, 18)] + [date(2024, 10, d) for d in range(1, 8)]
    + [date(2025, 1, 1)]
)


# --- small helpers -----------------------------------------------------------------------------

def money(cents: int) -> str:
    """Cents → '1286.50' (the data format)."""
    return f"{cents // 100}.{cents % 100:02d}"


def money_display(cents: int) -> str:
    """Cents → '1,286.50' (for Markdown bodies only)."""
    return f"{cents // 100:,}.{cents % 100:02d}"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@lru_cache(maxsize=None)
def workdays(year: int, month: int) -> tuple[date, ...]:
    last = calendar.monthrange(year, month)[1]
    return tuple(d for d in (date(year, month, day) for day in range(1, last + 1))
                 if d.weekday() < 5 and d not in HOLIDAYS)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def next_workday(d: date) -> date:
    while d.weekday() >= 5 or d in HOLIDAYS:
        d += timedelta(days=1)
    return d


def rand_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def front_matter(meta: dict, body: str) -> str:
    return "---\n" + dump_yaml(meta) + "---\n\n" + body


def _pick_cents(rng: random.Random, spec: dict) -> int:
    """Amount of a ledger template in cents: fixed, choices, n×x, or a stepped range."""
    if "choices" in spec:
        return round(rng.choice(spec["choices"]) * 100)
    amount = spec["amount"]
    if not isinstance(amount, list):
        return round(amount * 100)
    low, high = round(amount[0] * 100), round(amount[1] * 100)
    step = max(1, round(spec.get("step", 1) * 100))
    return low + step * rng.randint(0, (high - low) // step)


# --- settings and word lists -------------------------------------------------------------------

@lru_cache(maxsize=1)
def _load() -> tuple[dict, dict, dict[str, str], dict[str, list[str]]]:
    city_text = CITY_DEFAULTS.read_text(encoding="utf-8")
    city = yaml.safe_load(city_text)
    words = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    schema_texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SCHEMA_DIR.glob("*.yaml"))}
    headers = {name[:-5]: [f["name"] for f in yaml.safe_load(text)["fields"]] for name, text in schema_texts.items()}
    # The templates must use the city's categories and funding sources.
    fin = city["finance"]
    for group in ("ledger_income", "ledger_monthly", "ledger_seasonal", "ledger_filler"):
        cats = fin["income_categories"] if group == "ledger_income" else fin["expense_categories"]
        for t in words[group]:
            assert t["category"] in cats and t["source"] in fin["funding_sources"], t
    words["_surname_cw"] = _cum_weights(len(words["surnames"]))
    return city, words, {"city.yaml": city_text, **{f"schemas/{k}": v for k, v in schema_texts.items()}}, headers


def _cum_weights(n: int) -> list[float]:
    total, out = 0.0, []
    for i in range(n):  # common surnames first: a Zipf-like spread
        total += 1.0 / (i + 4)
        out.append(total)
    return out


class Names:
    """Unique personal names within one community."""

    def __init__(self, rng: random.Random, words: dict):
        self.rng, self.w, self.used = rng, words, set()

    def surname(self) -> str:
        return self.rng.choices(self.w["surnames"], cum_weights=self.w["_surname_cw"])[0]

    def person(self, gender: str | None = None, surname: str | None = None) -> tuple[str, str]:
        rng, w = self.rng, self.w
        for _ in range(200):
            g = gender or rng.choice("男女")
            s = surname or self.surname()
            key = "male" if g == "男" else "female"
            if rng.random() < 0.55:
                given = rng.choice(w[f"given_{key}"])
            else:
                given = rng.choice(w[f"{key}_first"]) + rng.choice(w[f"{key}_second"])
            name = s + given
            if name not in self.used:
                self.used.add(name)
                return name, g
        raise RuntimeError("name pool exhausted")


# --- the city layout ---------------------------------------------------------------------------

def _split(rng: random.Random, total: int, bins: int) -> list[int]:
    """`total` items into `bins` non-empty bins of uneven but similar size."""
    sizes = [1] * bins
    weights = [rng.uniform(0.6, 1.4) for _ in range(bins)]
    for i in rng.choices(range(bins), weights=weights, k=total - bins):
        sizes[i] += 1
    return sizes


def _layout(rng: random.Random, n: int, words: dict) -> list[dict]:
    n_streets = min(n, max(5, round(n / 25)))
    n_districts = min(n_streets, max(2, round(n / 300)))
    if n_districts > 99 or n_streets > 999 * n_districts:
        raise ValueError("too many communities for the code scheme")
    district_names = words["districts"][:]
    rng.shuffle(district_names)
    while len(district_names) < n_districts:  # very large cities: numbered new districts
        district_names.append(f"新区第{len(district_names) + 1}区")
    # One street per stem first (mostly "X街道"/"X路街道"); big cities also get the other forms.
    forms = words["street_forms"]
    stems = words["street_stems"][:]
    rng.shuffle(stems)
    first = {s: rng.choices(forms, weights=[45, 40, 5, 5, 5])[0] for s in stems}
    extra = [f.format(s) for s in stems for f in forms if f != first[s]]
    rng.shuffle(extra)
    street_names = [first[s].format(s) for s in stems] + extra
    communities = []
    street_sizes = _split(rng, n, n_streets)
    district_sizes = _split(rng, n_streets, n_districts)
    street_index = 0
    for d, n_st in enumerate(district_sizes):
        dcode = f"{CITY_PREFIX}{d + 1:02d}"
        for s in range(n_st):
            scode = f"{dcode}{s + 1:03d}"
            sname = street_names[street_index] if street_index < len(street_names) else f"第{street_index + 1}街道"
            size = street_sizes[street_index]
            street_index += 1
            # The street's residents' committees were elected together in spring/summer 2021.
            term_start = date(2021, 5, 8) + timedelta(days=rng.randint(0, 70))
            used = set()
            for k in range(size):
                for _ in range(50):
                    cname = rng.choice(words["community_forms"]).format(rng.choice(words["community_stems"]))
                    if cname not in used:
                        break
                else:
                    cname = f"{sname[:-2]}第{k + 1}社区"
                used.add(cname)
                start = term_start
                if rng.random() < 0.05:  # a newly set-up community elected later
                    start = date(2022, 3, 1) + timedelta(days=rng.randint(0, 200))
                communities.append({
                    "code": f"{scode}{k + 1:03d}",
                    "name": cname,
                    "stem": cname.split("社区")[0].rstrip("一二东西南北") or cname[:2],
                    "district": district_names[d],
                    "street": sname,
                    "households": rng.randint(800, 4800),
                    "rc_term_start": start,
                    "rc_term_end": date(start.year + 5, start.month, start.day) - timedelta(days=1),
                })
    return communities


def _assign_status(rng: random.Random, communities: list[dict]) -> None:
    """Who has a committee, and how the rollout went: ontime / late / stuck / none."""
    n = len(communities)
    n_none = min(math.ceil(n * 0.12), n - 1) if n > 1 else 0
    order = list(range(n))
    rng.shuffle(order)
    with_committee = order[n_none:]
    k = len(with_committee)
    n_stuck = max(2 if k >= 8 else 1, round(k * 0.15)) if k >= 3 else 0
    n_late = max(2 if k >= 8 else 1, round(k * 0.25)) if k >= 3 else 0
    for i in order[:n_none]:
        communities[i]["status"] = "none"
    for j, i in enumerate(with_committee):
        communities[i]["status"] = "stuck" if j < n_stuck else "late" if j < n_stuck + n_late else "ontime"


def _rollout_dates(rng: random.Random, status: str, phases: list[dict]) -> list[date]:
    """Completion dates of the done phases (phase 1 first); never earlier than the phase before."""
    if status == "none":
        last = rng.choice([0, 1, 1, 2, 2, 2])
    elif status == "stuck":
        last = rng.choice([3, 4, 4, 5, 5, 6, 6])
    else:
        last = 7
    first_late = rng.choice([2, 3, 3, 4, 5, 6]) if status == "late" else 99
    if status == "stuck" and rng.random() < 0.4:
        first_late = rng.randint(2, last)
    dates: list[date] = []
    prev = date(phases[0]["deadline"].year, 3, 20)
    for ph in phases[:last]:
        deadline = ph["deadline"]
        window = 14 if ph["phase"] in (2, 3) else 20
        if ph["phase"] >= first_late and ph["phase"] <= first_late + rng.randint(0, 1):
            d = deadline + timedelta(days=rng.randint(4, 45))
        else:
            d = deadline - timedelta(days=rng.randint(1, window))
        d = max(d, prev + timedelta(days=rng.randint(1, 6)))
        dates.append(d)
        prev = d
    return dates


# --- one community -----------------------------------------------------------------------------

def _people(rng: random.Random, words: dict, status: str) -> dict:
    names = Names(rng, words)
    officials: list[list[str]] = []  # name, body, post, relative, relation
    rc: list[tuple[str, str]] = []   # residents' committee members for the evaluation

    def official(name: str, body: str, post: str) -> list[str]:
        row = [name, body, post, "", ""]
        officials.append(row)
        return row

    secretary, sec_gender = names.person()
    official(secretary, "社区党组织", "党委书记")
    official(secretary, "居民委员会", "主任")  # 书记、主任“一肩挑”
    rc.append((secretary, "主任"))
    deputy, _ = names.person()
    official(deputy, "社区党组织", "党委副书记")
    if rng.random() < 0.6:
        official(deputy, "居民委员会", "副主任")
        rc.append((deputy, "副主任"))
    else:
        vice, _ = names.person()
        official(vice, "居民委员会", "副主任")
        rc.append((vice, "副主任"))
    for _ in range(rng.randint(1, 2)):
        official(names.person()[0], "社区党组织", "委员")
    for _ in range(rng.randint(3, 4)):
        name, _ = names.person()
        official(name, "居民委员会", "委员")
        rc.append((name, "委员"))
        if rng.random() < 0.3:  # 交叉任职
            official(name, "社区党组织", "委员")
    finance, fin_gender = names.person()
    official(finance, "社区财务人员", rng.choice(["报账员", "会计", "出纳"]))
    genders = {secretary: sec_gender, finance: fin_gender}

    # Declared close relatives of some officials.
    seen: set[str] = set()
    for row in list(officials):
        if row[0] in seen:
            continue
        seen.add(row[0])
        for _ in range(rng.choices([0, 1, 2], weights=[55, 35, 10])[0]):
            if rng.random() < 0.55:
                relation = rng.choices(words["relations_same_surname"], weights=[25, 40, 25, 5, 5])[0]
                rel, _ = names.person(surname=row[0][0])
            else:
                relation = rng.choices(words["relations_other"], weights=[80, 10, 10])[0]
                own = genders.get(row[0])
                spouse = ("女" if own == "男" else "男") if own and relation == "配偶" else None
                rel, _ = names.person(gender=spouse)
            if row[3]:
                row = official(row[0], row[1], row[2])
            row[3], row[4] = rel, relation

    if status == "none":
        return {"officials": officials, "rc": rc, "finance": finance, "names": names}

    # The committee: a chair and 2-4 residents who hold no two-committee or finance post.
    size = rng.choices([3, 4, 5], weights=[35, 35, 30])[0]
    members = []
    chair_name, chair_gender = names.person()
    retired_chair = rng.random() < 0.35
    if rng.random() < 0.04:  # rare: a chair who is not a party member
        chair = [chair_name, "主任", chair_gender, "群众", "是", rng.choice(["退休教师", "退休干部"])]
        retired_chair = True
    elif retired_chair:
        chair = [chair_name, "主任", chair_gender, "中共党员", "是", rng.choice(words["retired_chair_posts"])]
    else:
        post = rng.choice(words["chair_posts"])
        chair = [chair_name, "主任", chair_gender, "中共党员", "否", post]
        official(chair_name, "社区党组织", "纪检委员" if "纪检" in post else "委员")
    others = size - 1
    groups = ["民主理财", "民意收集", "居务公开", rng.choice(SUB_GROUPS)][:others]
    chair_group = "" if "居务公开" in groups else "居务公开"
    members.append(chair + [chair_group, words["duties"]["chair"]])
    for group in groups:
        name, gender = names.person()
        if group == "民主理财" and rng.random() < 0.6:
            post = "退休会计"
        else:
            post = rng.choice(words["member_posts"])
        if post.startswith("退休"):
            retired = "是"
        elif post == "辖区单位职工":
            retired = "否"
        else:
            retired = rng.choice(["是", "否"])
        political = rng.choices(["中共党员", "群众", "民主党派", "中共预备党员", "共青团员"],
                                weights=[40, 45, 8, 4, 3 if retired == "否" else 0])[0]
        members.append([name, "委员", gender, political, retired, post, group, words["duties"][group]])
    for m in members:
        if rng.random() < 0.6:
            m.append(rng.choice(["13", "15", "18"]) + str(rng.randint(0, 9)) + f"{rng.randint(0, 99999999):08d}")
        else:
            m.append("")
    reviewer_pool = [m[0] for m in members if m[6] == "民主理财"] or [chair_name]
    return {"officials": officials, "rc": rc, "finance": finance, "names": names, "members": members,
            "chair": chair_name, "retired_chair": retired_chair, "reviewers": reviewer_pool}


def _ledgers(rng: random.Random, words: dict, city: dict, people: dict, chair_allowance: int | None) -> list[dict]:
    grants = {
        "office": rng.choice([12000, 15000, 18000]) * 100,
        "service": rng.choice([20000, 25000, 30000]) * 100,
        "party": rng.choice([40000, 50000, 60000]) * 100,
        "selfgov": rng.choice([10000, 15000, 20000, 30000]) * 100,
    }
    allowance_x = rng.choice([200, 300])
    n_other = len(people["members"]) - 1
    publish_days = int(city["disclosure"]["publish_within_days"])
    balance = rng.randint(25000, 95000) * 100 + rng.randint(0, 99)
    quarters_used = 0
    periods = []
    finance = people["finance"]
    for month in range(1, 13):
        days = workdays(YEAR, month)
        early = days[:7]
        target = rng.randint(15, 25)
        lines = []  # [date, summary, category, income_cents, expense_cents, source]
        for t in words["ledger_income"]:
            if (not t["months"] or month in t["months"]) and rng.random() < t["p"]:
                cents = grants[t["grant"]] if "grant" in t else _pick_cents(rng, t)
                day = rng.choice(early) if "grant" in t else rng.choice(days[-8:])
                lines.append([day, t["summary"], t["category"], cents, 0, t["source"]])
        expenses = []
        for t in words["ledger_monthly"]:
            if rng.random() >= t["p"]:
                continue
            if t.get("allowance") == "members":
                expenses.append((t, t["summary"].format(n=n_other, x=allowance_x), n_other * allowance_x * 100))
            elif t.get("allowance") == "chair":
                if chair_allowance:
                    expenses.append((t, t["summary"], chair_allowance))
            else:
                expenses.append((t, t["summary"].format(pm=12 if month == 1 else month - 1), _pick_cents(rng, t)))
        for t in words["ledger_seasonal"]:
            if month in t["months"] and rng.random() < t["p"]:
                if "n" in t:
                    n, x = rng.randint(*t["n"]), rng.choice(t["x"])
                    expenses.append((t, t["summary"].format(n=n, x=x), n * x * 100))
                else:
                    if "{q}" in t["summary"]:
                        quarters_used += 1
                    expenses.append((t, t["summary"].format(q=CN_NUM[quarters_used]), _pick_cents(rng, t)))
        fillers = rng.sample(words["ledger_filler"], k=len(words["ledger_filler"]))
        for t in fillers[:max(0, target - len(lines) - len(expenses))]:
            if "n" in t:
                n, x = rng.randint(*t["n"]), rng.choice(t["x"])
                expenses.append((t, t["summary"].format(n=n, x=x), n * x * 100))
            else:
                masked = rng.choice(words["surnames"][:40]) + "*"
                expenses.append((t, t["summary"].format(masked=masked), _pick_cents(rng, t)))
        for t, summary, cents in expenses:
            lines.append([rng.choice(days), summary, t["category"], 0, cents, t["source"]])
        # A community running short gets a top-up from the street on the first working day.
        reserve = rng.randint(3, 8) * 100000
        short = sum(e[2] for e in expenses) + reserve - balance - sum(ln[3] for ln in lines)
        if short > 0:
            cents = -(-short // 500000) * 500000
            lines.append([days[0], "街道追加拨付社区服务经费", "服务经费拨款", cents, 0, "服务经费"])
            if len(lines) > 25:  # keep within 15-25 lines: drop the last filler line
                lines.pop(-2)
        lines.sort(key=lambda ln: (ln[0], 0 if ln[3] else 1))
        opening = running = balance
        kept = []
        for ln in lines:  # the balance never goes below zero, not even within the month
            if ln[4] and running - ln[4] < 0:
                continue
            running += ln[3] - ln[4]
            kept.append(ln)
        balance = running
        mm = f"{month:02d}"
        rows = [[ln[0].isoformat(), f"记-{YEAR}-{mm}-{i:03d}", ln[2], ln[1],
                 money(ln[3]) if ln[3] else "", money(ln[4]) if ln[4] else "", ln[5], finance]
                for i, ln in enumerate(kept, 1)]
        end = month_end(YEAR, month)
        reviewed = next_workday(end + timedelta(days=rng.randint(1, 6)))
        published = reviewed + timedelta(days=rng.randint(0, 3))
        published = min(next_workday(published), end + timedelta(days=publish_days))
        header = {
            "period": f"{YEAR}-{mm}",
            "opening_balance": money(opening),
            "closing_balance": money(balance),
            "prepared_by": finance,
            "review": {
                "reviewer": rng.choice(people["reviewers"]) if rng.random() < 0.85 else people["chair"],
                "reviewed_on": reviewed.isoformat(),
                "opinion": rng.choice(words["review_opinions"]),
            },
            "published_on": published.isoformat(),
        }
        if rng.random() < 0.03:
            header["amendment"] = rng.choice(words["amendments"])
        periods.append({
            "month": month, "header": header, "rows": rows, "published": published,
            "income": sum(ln[3] for ln in kept), "expense": sum(ln[4] for ln in kept),
        })
    return periods


def _committee(rng: random.Random, words: dict, c: dict, people: dict, elected_on: date) -> tuple[dict, int | None]:
    """committee.yaml as a dict, and a retired chair's monthly allowance in cents (else None)."""
    members = people["members"]
    six = {k: "是" for k in ("sign", "seal", "rules", "records", "report_box", "notice_board")}
    if rng.random() < 0.15:
        for k in rng.sample(["seal", "notice_board", "report_box", "records"], k=rng.randint(1, 2)):
            six[k] = "否"
    heads = rng.randint(62, 88) * 10000  # cents
    if people["retired_chair"]:
        allowance = rng.choice([800, 1000, 1200, 1500]) * 100
        pay = {"monthly_allowance": money(allowance)}
    else:
        allowance = None
        floor = math.ceil(heads * 0.7 / 10000) * 10000
        pay = {"monthly_pay": money(min(heads, floor + rng.randint(0, 8) * 10000)), "heads_basic_pay": money(heads)}
    place = c["name"]
    committee = {
        "name": f"{c['name']}居务监督委员会",
        "elected_by": rng.choices(["居民代表会议", "居民会议"], weights=[75, 25])[0],
        "elected_on": elected_on.isoformat(),
        # Elected mid-term: the committee serves from its election until the residents' committee's term ends.
        "term_start": max(c["rc_term_start"], elected_on).isoformat(),
        "term_end": c["rc_term_end"].isoformat(),
        "sub_groups": [g for g in SUB_GROUPS if any(m[6] == g for m in members)],
        "six_unifications": six,
        "office": {"address": rng.choice(words["office_places"]).format(c=place),
                   "hours": rng.choice(words["office_hours"])},
        "supervision_phone": f"{AREA_CODE}-{rng.choice('5678')}{rng.randint(0, 9999999):07d}",
        "report_box": rng.choice(words["report_boxes"]).format(c=place),
        "chair_pay": pay,
        "funding": {"annual_budget": money(rng.randint(4, 12) * 500000)},
    }
    return committee, allowance


def _opinions(rng: random.Random, words: dict, as_of: date) -> list[list[str]]:
    items = rng.sample(words["opinions"], k=rng.randint(3, 8))
    received = sorted(rand_date(rng, date(YEAR, 1, 8), date(YEAR, 12, 15)) for _ in items)
    if rng.random() < 0.35:  # some opinions arrive in the last days of the year, still open
        received[-1] = rand_date(rng, date(YEAR, 12, 19), as_of)
    rows = []
    for item, got in zip(items, received):
        channel = rng.choices(["意见箱", "来访", "电话", "居民会议", "网上"], weights=[25, 30, 25, 10, 10])[0]
        answered = got + timedelta(days=rng.randint(1, 10))
        if answered > as_of:
            if rng.random() < 0.5:
                rows.append([got.isoformat(), channel, item["subject"], item["content"], "", "", "待答复"])
                continue
            answered = as_of
            rows.append([got.isoformat(), channel, item["subject"], item["content"],
                         rng.choice(words["pending_answers"]), answered.isoformat(), "办理中"])
            continue
        rows.append([got.isoformat(), channel, item["subject"], item["content"], item["answer"],
                     answered.isoformat(), "已答复"])
    return rows


def _evaluations(rng: random.Random, c: dict, people: dict) -> list[list[str]]:
    held = rng.choice([d for d in workdays(YEAR, 12) if 9 <= d.day <= 27])
    expected = max(21, min(65, c["households"] // 60 + rng.randint(-5, 5)))
    present = rng.randint(math.ceil(expected * 2 / 3), expected)
    void = rng.choices([0, 1, 2], weights=[60, 30, 10])[0]
    valid = present - void
    common = [str(YEAR), held.isoformat()]
    counts = [str(expected), str(present), str(valid), str(void)]

    # The residents' committee as a whole is rated 满意 / 基本满意 / 不满意 (the last three columns);
    # each person 优秀 / 称职 / 基本称职 / 不称职.
    satisfied = round(valid * rng.uniform(0.86, 0.99))
    basic = round((valid - satisfied) * rng.uniform(0.6, 0.95))
    rows = [common + ["居民委员会", ""] + counts + ["", "", "", "", str(satisfied), str(basic),
                                                   str(valid - satisfied - basic)]]
    for name, post in people["rc"]:
        exc = rng.uniform(0.25, 0.7)
        basic = rng.uniform(0.0, 0.1)
        bad = rng.choice([0, 0, 0, 0.01, 0.02])
        comp = max(0.0, 1 - exc - basic - bad)
        e_, c_, b_, i_ = int(valid * exc), int(valid * comp), int(valid * basic), int(valid * bad)
        c_ += valid - (e_ + c_ + b_ + i_)
        rows.append(common + [name, post] + counts + [str(e_), str(c_), str(b_), str(i_), "", "", ""])
    return rows


def _reports(rng: random.Random, words: dict, c: dict, people: dict, periods: list[dict],
             opinions: list[list[str]]) -> dict[str, str]:
    members = people["members"]
    chair = people["chair"]
    office = c["committee"]["office"]["address"]
    n_meet = rng.randint(1, 4)
    n_mat = rng.randint(1, min(2, 5 - n_meet))
    quarters = sorted(rng.sample([1, 2, 3, 4], k=n_meet))
    files: dict[str, str] = {}
    taken: set[date] = set()

    def free_day(start: date, end: date) -> date:
        for _ in range(100):
            d = next_workday(rand_date(rng, start, end))
            if d not in taken and d <= end:
                taken.add(d)
                return d
        raise RuntimeError("no free day")

    annual_day = free_day(date(YEAR, 12, 23), date(YEAR, 12, 30))
    for q in quarters:
        last_month = q * 3
        day = free_day(date(YEAR, last_month, 14), date(YEAR, last_month, 27))
        present = [m[0] for m in members[1:]]
        absent = ""
        if len(present) > 2 and rng.random() < 0.25:
            absent = present.pop(rng.randrange(len(present)))
        reviewed = [p for p in periods if last_month - 3 <= p["month"] <= last_month and p["published"] <= day]
        topics = rng.sample(words["meeting_topics"], k=rng.randint(3, 4))
        decisions = rng.sample(words["meeting_decisions"], k=rng.randint(2, 3))
        body = [
            "## 会议基本情况", "",
            f"- 时间：{cn_date(day)}{rng.choice(['上午', '下午'])}",
            f"- 地点：{office}",
            f"- 主持：{chair}（主任）",
            f"- 出席：{'、'.join(present)}",
        ]
        if absent:
            body.append(f"- 缺席：{absent}（请假）")
        body += ["- 列席：社区财务人员", "", "## 会议议题", ""]
        body += [f"{i}. {t}" for i, t in enumerate(topics, 1)]
        if reviewed:
            body += ["", "## 财务审核情况", "", "| 公开期 | 笔数 | 收入（元） | 支出（元） | 审核意见 |",
                     "| --- | ---: | ---: | ---: | --- |"]
            body += [f"| {YEAR}年{p['month']}月 | {len(p['rows'])} | {money_display(p['income'])} | "
                     f"{money_display(p['expense'])} | 同意公开 |" for p in reviewed]
        body += ["", "## 会议决定", ""]
        body += [f"{i}. {t}" for i, t in enumerate(decisions, 1)]
        body += ["", f"记录人：{rng.choice(present)}", ""]
        meta = {"type": "例会记录", "date": day.isoformat(), "title": f"{YEAR}年第{CN_NUM[q]}季度工作例会记录"}
        files[f"{day.isoformat()}-q{q}-meeting.md"] = front_matter(meta, "\n".join(body))

    matters = []
    for item in rng.sample(words["matters"], k=n_mat):
        late_in_year = rng.random() < 0.35  # recent matters are the ones still open
        day = free_day(date(YEAR, 11, 1) if late_in_year else date(YEAR, 2, 20), date(YEAR, 12, 10))
        due = day + timedelta(days=rng.choice([15, 20, 30, 45, 60]))
        as_of = date(YEAR, 12, 31)
        if due > as_of:  # not due yet
            status = rng.choices(["整改中", "待整改"], weights=[55, 45])[0]
        elif due > as_of - timedelta(days=45):
            status = rng.choices(["已整改", "整改中", "待整改"], weights=[50, 35, 15])[0]
        else:
            status = rng.choices(["已整改", "整改中"], weights=[85, 15])[0]
        title = item["title"].format(place=c["stem"] + "小区")
        inspectors = "、".join(m[0] for m in members[:3])
        subject = title.removeprefix("关于").removesuffix("的监督")
        result = {"已整改": item["done"], "整改中": item["doing"],
                  "待整改": "监督意见已书面送达居委会，整改方案正在制定中，监督委员会将跟踪落实。"}[status]
        body = [
            "## 基本情况", "",
            f"{cn_date(day)}，监督委员会{inspectors}对{subject}进行了监督检查，查阅了相关台账和凭证，"
            "并听取了居民意见。", "",
            "## 发现问题", "", item["found"], "",
            "## 整改要求", "", f"{item['ask']}整改期限：{cn_date(due)}。", "",
            "## 整改情况", "", result, "",
        ]
        meta = {"type": "监督事项", "date": day.isoformat(), "title": title, "status": status, "due": due.isoformat()}
        files[f"{day.isoformat()}-{item['slug']}.md"] = front_matter(meta, "\n".join(body))
        matters.append((title, status))

    before = [p for p in periods if p["published"] <= annual_day]
    n_lines = sum(len(p["rows"]) for p in before)
    answered = sum(1 for o in opinions if o[6] == "已答复")
    body = [
        "## 一、基本情况", "",
        f"{c['name']}居务监督委员会由{len(members)}名成员组成，主任{chair}，"
        f"委员{'、'.join(m[0] for m in members[1:])}。本年度委员会按照工作规则履行监督职责，"
        "向居民代表会议报告工作如下。", "",
        "## 二、主要工作", "",
        "### （一）财务监督", "",
        f"全年审核财务收支公开{len(before)}期，逐笔审核凭证{n_lines}笔，"
        f"收入合计{money_display(sum(p['income'] for p in before))}元，"
        f"支出合计{money_display(sum(p['expense'] for p in before))}元，均按期在居务公开栏公示。", "",
        "### （二）民意收集", "",
        f"全年收集居民意见建议{len(opinions)}条，已答复{answered}条"
        + ("，其余正在办理。" if answered < len(opinions) else "，均在规定时限内答复。"), "",
        "### （三）监督事项", "",
    ]
    body += [f"- {t}：{s}" for t, s in matters]
    body += ["", "## 三、存在的不足", ""]
    body += [f"{i}. {t}" for i, t in enumerate(rng.sample(words["annual_shortcomings"], k=2), 1)]
    body += ["", f"## 四、{YEAR + 1}年工作打算", ""]
    body += [f"{i}. {t}" for i, t in enumerate(rng.sample(words["annual_plans"], k=3), 1)]
    body += ["", f"{c['name']}居务监督委员会", cn_date(annual_day), ""]
    meta = {"type": "年度工作报告", "date": annual_day.isoformat(), "title": f"{c['name']}居务监督委员会{YEAR}年度工作报告"}
    files[f"{annual_day.isoformat()}-annual-report.md"] = front_matter(meta, "\n".join(body))
    return files


# --- the whole city ----------------------------------------------------------------------------

def generate_demo_city(communities: int, seed: int, examples: bool = True) -> dict[str, str]:
    """Every file of a demo city data folder: {relative '/'-path: text}; with `examples`, the
    supervision examples (demo_examples.py) in a city large enough for them."""
    if communities < 1:
        raise ValueError("communities must be at least 1")
    city, words, static, headers = _load()
    rng = random.Random(seed)
    phases = city["rollout"]["phases"]
    as_of = city["as_of"]
    comms = _layout(rng, communities, words)
    _assign_status(rng, comms)

    files: dict[str, str] = dict(static)
    rollout_rows = []
    for c in comms:
        crng = random.Random(f"juwu-demo/{seed}/{c['code']}")
        dates = _rollout_dates(crng, c["status"], phases)
        people = _people(crng, words, c["status"])
        if c["status"] != "none":
            base = f"communities/{c['code']}"
            committee, allowance = _committee(crng, words, c, people, dates[2])
            c["committee"] = committee
            periods = _ledgers(crng, words, city, people, allowance)
            files[f"{base}/committee.yaml"] = dump_yaml(committee)
            files[f"{base}/members.csv"] = csv_text(headers["members"], people["members"])
            files[f"{base}/officials.csv"] = csv_text(headers["officials"], people["officials"])
            for p in periods:
                stem = f"{base}/finance/{p['header']['period']}"
                files[f"{stem}.yaml"] = dump_yaml(p["header"])
                files[f"{stem}.csv"] = csv_text(headers["ledger_lines"], p["rows"])
            opinions = _opinions(crng, words, as_of)
            files[f"{base}/opinions.csv"] = csv_text(headers["opinions"], opinions)
            files[f"{base}/evaluations.csv"] = csv_text(headers["evaluations"], _evaluations(crng, c, people))
            for name, text in _reports(crng, words, c, people, periods, opinions).items():
                files[f"{base}/reports/{name}"] = text
        n_members = len(people.get("members", []))
        for ph, done in zip(phases, dates):
            note = ""
            if done > ph["deadline"] and crng.random() < 0.6:
                note = crng.choice(words["late_notes"])
            elif ph["phase"] == 3:
                how = c["committee"]["elected_by"]
                note = crng.choice(words["rollout_notes"][3]).format(how=how, n=n_members, m=n_members - 1)
            elif crng.random() < 0.5:
                note = crng.choice(words["rollout_notes"][ph["phase"]])
            rollout_rows.append([c["code"], str(ph["phase"]), done.isoformat(), note])

    files["communities.csv"] = csv_text(headers["communities"], [
        [c["code"], c["name"], c["district"], c["street"], str(c["households"]),
         c["rc_term_start"].isoformat(), c["rc_term_end"].isoformat()] for c in comms])
    files["rollout.csv"] = csv_text(headers["rollout"], rollout_rows)
    if examples:
        add_examples(files, headers, as_of, dump_yaml)
    descriptor = build_descriptor([p for p in files if p.endswith(".csv")], name="juwu-demo-city",
                                  title=f"{city['name']}居务监督公开数据（演示）")
    files["datapackage.yaml"] = dump_yaml(descriptor)
    return files


def write_files(out_dir: Path, files: dict[str, str]) -> None:
    """Write {relative path: text} under out_dir (UTF-8, LF). The generated subtrees
    (communities/, schemas/) are replaced, so no file of an earlier, larger city is left behind."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("communities", "schemas"):
        if (out_dir / sub).is_dir():
            shutil.rmtree(out_dir / sub)
    for parent in sorted({os.path.dirname(rel) for rel in files} - {""}):
        (out_dir / parent).mkdir(parents=True, exist_ok=True)

    def write(rel: str) -> None:
        fd = os.open(out_dir / rel, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, files[rel].encode("utf-8"))
        finally:
            os.close(fd)

    # Creating ~150,000 small files is bound by system-call latency: a few threads help.
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in pool.map(write, sorted(files), chunksize=256):
            pass


def write_demo_city(out_dir: Path, communities: int, seed: int) -> None:
    """Generate a demo city of `communities` communities from `seed` and write it to out_dir."""
    write_files(Path(out_dir), generate_demo_city(communities, seed))

"""Every published version of each record, from the data repository's git history.

A record is what one page and one printed sheet show: a period (its YAML header and its ledger),
a report, a community's roster (committee.yaml and members.csv). Its versions are the commits that
changed any of its files. For each version: the commit's date, the amendment reason (the
"更正说明 Amendment:" line the upload service writes into the commit message, or a new
`amendment` in the period header), the version stamp the sheet of that version carried
(generator/stamp.py, computed from the file bytes at that commit) and the short code printed
beside the QR code (`verify_code`).

Juwu's own repository is not a data repository: the demo city in it has no history (its commits
are the demo generator's, not a city's amendments).

Incremental: the walk of `git log` is cached (the build cache's history.json) with the commit it
reached; the next build walks only the commits since. Without a git repository there is no history
(`collect` returns an empty History) and nothing fails.

Only what the site publishes ever reaches a snapshot: the published columns of a ledger and a
roster (never the mobile column, never officials.csv), every text masked (generator/site/privacy.py).
"""

from __future__ import annotations

import csv
import datetime
import difflib
import hashlib
import io
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import PROJECT_ROOT
from generator.intake import gitrepo
from generator.site.privacy import mask_personal
from generator.stamp import stamp as make_stamp

CACHE_NAME = "history.json"
CACHE_FORMAT = 1
AMEND_LINE = re.compile(r"^更正说明 Amendment:\s*(.+?)\s*$", re.M)
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread aloud
CODE_LENGTH = 8

_PERIOD = re.compile(r"^communities/(\d+)/finance/(\d{4}-(?:\d{2}|Q[1-4]))\.(yaml|csv|xlsx)$")
_REPORT = re.compile(r"^communities/(\d+)/reports/([^/]+)\.md$")
_ROSTER = re.compile(r"^communities/(\d+)/(committee\.yaml|members\.csv)$")

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
LINE_KEY = {"period": "voucher", "roster": "name"}


# --- records and versions ----------------------------------------------------------------------

def record_of(rel: str) -> str | None:
    """The record a data file belongs to: 'period/<code>/<key>', 'report/<code>/<slug>',
    'roster/<code>'; None for a file no history page shows."""
    if m := _PERIOD.match(rel):
        return f"period/{m[1]}/{m[2]}"
    if m := _REPORT.match(rel):
        return f"report/{m[1]}/{m[2]}"
    if m := _ROSTER.match(rel):
        return f"roster/{m[1]}"
    return None


def community_of(record: str) -> str:
    return record.split("/")[1]


def verify_code(url: str, stamp: str) -> str:
    """The short code printed beside a sheet's QR code: 8 characters of Crockford base32 from the
    sheet's address and version stamp, e.g. '7K2M-QX4D'. Read aloud, typed on a phone."""
    digest = int.from_bytes(hashlib.sha256(f"{url}\0{stamp}".encode()).digest()[:5], "big")
    chars = "".join(CODE_ALPHABET[(digest >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))
    return chars[:4] + "-" + chars[4:]


def normal_code(text: str) -> str:
    """What a resident typed → the code as printed (case, spaces, dashes and look-alikes forgiven)."""
    text = re.sub(r"[\s\-–—_]", "", text.upper()).translate(str.maketrans("ILOU", "110V"))
    return text[:4] + "-" + text[4:] if len(text) == CODE_LENGTH else text


@dataclass
class Version:
    n: int  # 1, 2, … in order of publication
    commit: str
    date: str  # the commit's day, YYYY-MM-DD
    reason: str | None  # the amendment reason, None when none was given
    files: dict[str, str]  # data-relative path → blob id, the record's files present at this version
    stamp: str = ""
    code: str = ""  # the sheet's short code (verify_code)
    unexplained: bool = False  # changed after publication without a reason: a finding
    snapshot: dict | None = None  # what the page showed (only for pages rendered in this build)
    changes: dict | None = None  # the diff from the version before (idem)


@dataclass
class RecordHistory:
    record: str
    versions: list[Version] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.record.split("/")[0]

    @property
    def unexplained(self) -> list[Version]:
        return [v for v in self.versions if v.unexplained]


@dataclass
class History:
    records: dict[str, RecordHistory] = field(default_factory=dict)
    available: bool = False  # False: the data folder is not in a git repository
    walked: int = 0  # commits read from git log by this build (0 when nothing new)

    def get(self, record: str) -> RecordHistory | None:
        return self.records.get(record)


# --- git ---------------------------------------------------------------------------------------

def _walk(top: Path, prefix: str, since: str | None) -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """(commit, day, message, [(data-relative path, new blob or '')]) oldest first, for the
    commits after `since` (all when None) touching the communities folder."""
    spec = [f"{since}..HEAD"] if since else ["HEAD"]
    out = gitrepo.run(top, "-c", "core.quotepath=false", "log", "--reverse", "--raw", "--no-abbrev", "--no-renames",
                      "--first-parent", "--format=%x1e%H%x1f%cs%x1f%B%x1d", *spec, "--",
                      f"{prefix}communities").decode("utf-8", "replace")
    commits = []
    for chunk in out.split("\x1e")[1:]:
        head, _, raw = chunk.partition("\x1d")
        sha, day, message = head.split("\x1f", 2)
        changed = []
        for line in raw.splitlines():
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            parts = meta.split()
            if not path.startswith(prefix):
                continue
            blob = "" if set(parts[3]) == {"0"} else parts[3]
            changed.append((path[len(prefix):], blob))
        commits.append((sha, day, message, changed))
    return commits


def _read_blobs(top: Path, blobs: set[str]) -> dict[str, bytes]:
    """Blob id → bytes, in one `git cat-file --batch`."""
    if not blobs:
        return {}
    order = sorted(blobs)
    out = gitrepo.run(top, "cat-file", "--batch", input=("\n".join(order) + "\n").encode())
    found, pos = {}, 0
    for blob in order:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        found[blob] = out[pos:pos + size]
        pos += size + 1
    return found


# --- the cache ---------------------------------------------------------------------------------

def _fresh(top: Path, prefix: str) -> dict:
    return {"format": CACHE_FORMAT, "top": str(top), "prefix": prefix, "head": None, "n": 0, "files": {},
            "records": {}}


def _load_cache(path: Path | None, top: Path, prefix: str) -> dict:
    """The walk so far, or a fresh one (no cache, another repository or format, unreadable)."""
    if path is not None:
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if (cached.get("format") == CACHE_FORMAT and cached.get("top") == str(top)
                    and cached.get("prefix") == prefix):
                return cached
        except (OSError, ValueError, AttributeError):
            pass
    return _fresh(top, prefix)


def _ancestor(top: Path, old: str) -> bool:
    """Whether the commit the cache reached is still in HEAD's history (not rewritten away)."""
    return subprocess.run(["git", "merge-base", "--is-ancestor", old, "HEAD"], cwd=top,
                          capture_output=True, timeout=60).returncode == 0


# --- collecting --------------------------------------------------------------------------------

def collect(data: Path, cache_dir: Path | None, detailed: set[str] | None = None,
            ) -> History:
    """Every record's versions; for the communities in `detailed` (all when None) also each
    version's snapshot and its diff from the one before."""
    try:
        top = gitrepo.toplevel(data)
        prefix = gitrepo.prefix_of(data, top)
        head = gitrepo.head(top)
    except (gitrepo.RepoError, OSError, ValueError):
        return History()
    if top.resolve() == PROJECT_ROOT.resolve():  # Juwu's own demo city: its commits are not a city's amendments
        return History()
    cache_path = cache_dir / CACHE_NAME if cache_dir is not None else None
    cached = _load_cache(cache_path, top, prefix)
    since = cached["head"]
    if since and not _ancestor(top, since):  # history was rewritten: walk it all again
        cached, since = _fresh(top, prefix), None
    walked = [] if since == head else _walk(top, prefix, since)
    touched: set[str] = set()
    for sha, day, message, changed in walked:
        cached["n"] += 1
        reason = _reason(message)
        for rel, blob in changed:
            record = record_of(rel)
            if record is None:
                continue
            cached["files"].setdefault(rel, []).append([cached["n"], sha, day, blob, reason])
            touched.add(record)
    cached["head"] = head
    records = _records(cached["files"])
    blobs_wanted = set()
    for record in touched:  # one version is the current one: its stamp comes from the working files
        if len(records[record]) > 1:
            blobs_wanted |= {b for v in records[record] for b in v.files.values()}
    content = _read_blobs(top, blobs_wanted)
    for record in touched:  # versions, stamps and codes of what changed since the last walk
        versions = records[record]
        _stamp_versions(record, versions, content)
        cached["records"][record] = [[v.n, v.commit, v.date, v.reason, v.stamp, v.code, v.unexplained]
                                     for v in versions]
    history = History(available=True, walked=len(walked))
    for record, rows in sorted(cached["records"].items()):
        files = records.get(record, [])
        versions = [Version(n, commit, date, reason, f.files if f else {}, stamp, code, unexplained)
                    for (n, commit, date, reason, stamp, code, unexplained), f
                    in zip(rows, files + [None] * max(0, len(rows) - len(files)))]
        history.records[record] = RecordHistory(record, versions)
    _detail(top, history, detailed, content)
    if cache_path is not None:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(cached, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        tmp.replace(cache_path)
    return history


def _reason(message: str) -> str | None:
    """The amendment reason the upload service writes into a commit message, masked like any text."""
    m = AMEND_LINE.search(message)
    return mask_personal(m[1]) if m else None


def _records(files: dict[str, list]) -> dict[str, list[Version]]:
    """record → its versions, each with the blobs of the record's files at that version."""
    changes: dict[str, list[tuple[int, str, str, str, str | None]]] = {}
    for rel, rows in files.items():
        record = record_of(rel)
        for n, sha, day, blob, reason in rows:
            changes.setdefault(record, []).append((n, sha, day, rel, blob, reason))
    records = {}
    for record, rows in changes.items():
        rows.sort()
        state: dict[str, str] = {}
        versions: list[Version] = []
        for n, sha, day, rel, blob, reason in rows:
            if blob:
                state[rel] = blob
            else:
                state.pop(rel, None)
            if versions and versions[-1].commit == sha:
                versions[-1].files = dict(sorted(state.items()))
                continue
            versions.append(Version(len(versions) + 1, sha, day, reason, dict(sorted(state.items()))))
        records[record] = [v for v in versions if v.files] or versions[:0]
        for i, v in enumerate(records[record], 1):
            v.n = i
    return records


def _stamp_versions(record: str, versions: list[Version], content: dict[str, bytes]) -> None:
    """Each version's stamp and code, as its printed sheet carried them; an amendment without a
    reason to a version already published is marked unexplained."""
    previous_amendment = None
    for i, v in enumerate(versions):
        if not all(b in content for b in v.files.values()):
            continue
        snap = snapshot(record, {rel: content[b] for rel, b in v.files.items()})
        hashes = {rel: hashlib.sha256(content[b]).hexdigest() for rel, b in v.files.items()}
        v.stamp = make_stamp(hashes, list(v.files), _stamp_date(record, snap))
        v.code = verify_code(sheet_path(record), v.stamp)
        amendment = snap["header"].get("amendment") or None
        if amendment and amendment != previous_amendment and not v.reason:
            v.reason = amendment
        previous_amendment = amendment
        if i > 0 and not v.reason and record.split("/")[0] in ("period", "report"):
            v.unexplained = True


def _stamp_date(record: str, snap: dict) -> datetime.date | None:
    header = snap["header"]
    kind = record.split("/")[0]
    keys = {"period": ("published_on", "review.reviewed_on"), "report": ("date",), "roster": ("elected_on",)}[kind]
    for key in keys:
        try:
            return datetime.date.fromisoformat(header.get(key, "")[:10])
        except ValueError:
            continue
    return None


def sheet_path(record: str) -> str:
    """The public page (and the printed sheet's address) of a record, relative to the site."""
    kind, code, *rest = record.split("/")
    if kind == "period":
        return f"c/{code}/finance/{rest[0]}/"
    if kind == "report":
        return f"c/{code}/reports/{rest[0]}/"
    return f"c/{code}/"


def _detail(top: Path, history: History, detailed: set[str] | None, content: dict[str, bytes]) -> None:
    """Snapshots and diffs for the records with more than one version whose pages this build renders."""
    chosen = [r for rec, r in history.records.items()
              if len(r.versions) > 1 and (detailed is None or community_of(rec) in detailed)]
    wanted = {b for r in chosen for v in r.versions for b in v.files.values()} - set(content)
    content = content | _read_blobs(top, wanted)
    for r in chosen:
        before = None
        for v in r.versions:
            if not all(b in content for b in v.files.values()):
                continue
            v.snapshot = snapshot(r.record, {rel: content[b] for rel, b in v.files.items()})
            v.changes = diff(before, v.snapshot) if before is not None else None
            before = v.snapshot


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


def _yaml(text: str) -> dict[str, str]:
    import yaml

    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return _flat(parsed) if isinstance(parsed, dict) else {}


def _rows(text: str, kind: str) -> list[dict[str, str]]:
    wanted = [name for name, _ in LINE_FIELDS[kind]]
    reader = csv.DictReader(io.StringIO(text))
    return [{k: mask_personal((row.get(k) or "").strip()) for k in wanted} for row in reader]


def snapshot(record: str, files: dict[str, bytes]) -> dict:
    """What the record's page showed at one version, published fields only, masked:
    {"header": {field: text}, "lines": [{field: text}], "text": report body}."""
    kind = record.split("/")[0]
    header: dict[str, str] = {}
    lines: list[dict[str, str]] = []
    text = ""
    for rel, data in sorted(files.items()):
        body = _text(data)
        if rel.endswith(".yaml"):
            header |= _yaml(body)
        elif rel.endswith(".csv"):
            lines = _rows(body, kind)
        elif rel.endswith(".xlsx"):  # hashed for the stamp; its lines are not diffed (CSV ledgers are)
            continue
        elif rel.endswith(".md"):
            front, _, rest = _front_matter(body)
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

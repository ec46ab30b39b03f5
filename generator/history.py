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

Incremental: the walk of `git log` is cached per community (generator/historycache.py) with the
commit it reached; the next build walks only the commits since and works out again only the
communities they touched. Without a git repository there is no history (`collect` returns an empty
History) and nothing fails.

Only what the site publishes ever reaches a snapshot (generator/snapshots.py): the published
columns of a ledger and a roster (never the mobile column, never officials.csv), every text masked.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator import historycache
from generator.config import PROJECT_ROOT
from generator.intake import gitrepo
from generator.site.privacy import mask_personal
from generator.snapshots import (  # noqa: F401 (the words of a snapshot, and its diffs, for the pages)
    HEADER_FIELDS, LINE_FIELDS, LINE_KEY, RECORD_TABLES, diff, is_empty, snapshot, text_diff, tokens, yaml_mapping,
)
from generator.stamp import stamp as make_stamp

AMEND_LINE = re.compile(r"^更正说明 Amendment:\s*(.+?)\s*$", re.M)
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread aloud
CODE_LENGTH = 8

_PERIOD = re.compile(r"^communities/(\d+)/finance/(\d{4}-(?:\d{2}|Q[1-4]))\.(yaml|csv|xlsx)$")
_REPORT = re.compile(r"^communities/(\d+)/reports/([^/]+)\.md$")
_ROSTER = re.compile(r"^communities/(\d+)/(committee\.yaml|members\.csv)$")
_TABLE = re.compile(r"^communities/(\d+)/([a-z_]+)\.(csv|xlsx)$")
# A record page's table file (file stem) → its page's kind: 'record/<code>/<kind>'.
_TABLE_KIND = {table: kind for kind, tables in RECORD_TABLES.items() for table in tables}

# --- records and versions ----------------------------------------------------------------------

def record_of(rel: str) -> str | None:
    """The record a data file belongs to: 'period/<code>/<key>', 'report/<code>/<slug>',
    'roster/<code>', 'record/<code>/<kind>' (a record page's tables: inspections, elections and
    member changes, …); None for a file no history page shows."""
    if m := _PERIOD.match(rel):
        return f"period/{m[1]}/{m[2]}"
    if m := _REPORT.match(rel):
        return f"report/{m[1]}/{m[2]}"
    if m := _ROSTER.match(rel):
        return f"roster/{m[1]}"
    if (m := _TABLE.match(rel)) and m[2] in _TABLE_KIND:
        return f"record/{m[1]}/{_TABLE_KIND[m[2]]}"
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
    # Every record of the city with more than one version (n, date, reason, code, unexplained only):
    # what /verify/ needs of communities whose records were not loaded.
    amended: dict[str, list[Version]] = field(default_factory=dict)

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



# --- collecting --------------------------------------------------------------------------------

def _ancestor(top: Path, old: str) -> bool:
    """Whether the commit the cache reached is still in HEAD's history (not rewritten away)."""
    return subprocess.run(["git", "merge-base", "--is-ancestor", old, "HEAD"], cwd=top,
                          capture_output=True, timeout=60).returncode == 0


def collect(data: Path, cache_dir: Path | None, detailed: set[str] | None = None) -> History:
    """Every amended record of the city (what /verify/ needs), and every record of the communities
    in `detailed` (all when None) and of those this walk touched, with each amended version's
    snapshot and diff. Without a cache (`juwu print`) every community is walked, so every one is in.

    Only the commits since the last walk are read (`git log`), and only the communities they
    touched are worked out again; the others are read back from their cache files, and only
    those in `detailed`. With an unchanged git head nothing is walked and nothing written."""
    repository = _city_repository(data)
    if repository is None:
        return History()
    top, prefix, head = repository
    where = historycache.folder(cache_dir)
    index = historycache.load_index(where, top, prefix)
    since = index["head"]
    if since and not _ancestor(top, since):  # history was rewritten: walk it all again
        historycache.forget(where)
        index, since = historycache.fresh_index(top, prefix), None
    walked = [] if since == head else _walk(top, prefix, since)
    shards = _record_walk(where, index, walked)
    _work_out(top, index, shards, _city_settings(data) if shards else None)
    index["head"] = head
    if walked or since != head:
        historycache.save(where, index, shards)
    history = History(available=True, walked=len(walked))
    history.amended = {record: [Version(n, "", date, reason, {}, "", code, unexplained)
                                for n, date, reason, code, unexplained in rows]
                       for record, rows in sorted(index["amended"].items())}
    codes = (set(historycache.shard_codes(where)) if detailed is None else set(detailed)) | set(shards)
    for code in sorted(codes):
        shard = shards.get(code) or historycache.load_shard(where, code)
        history.records |= _from_shard(shard)
    return history


def _city_repository(data: Path) -> tuple[Path, str, str] | None:
    """The git repository holding the city's data (its top, the data's folder in it, its head), or
    None: not in git, or Juwu's own demo city, whose commits are not a city's amendments."""
    try:
        top = gitrepo.toplevel(data)
        prefix = gitrepo.prefix_of(data, top)
        head = gitrepo.head(top)
    except (gitrepo.RepoError, OSError, ValueError):
        return None
    return None if top.resolve() == PROJECT_ROOT.resolve() else (top, prefix, head)


def touched_since(data: Path, cache_dir: Path | None) -> set[str] | None:
    """The communities whose records the next walk (collect) will change: those of the commits
    since the cached walk's head. A build renders them again even when their files are as it last
    built them (a change built uncommitted, then committed). None when the walk starts again from
    nothing (no cache, history rewritten): every community; an empty set without a git repository."""
    repository = _city_repository(data)
    if repository is None:
        return set()
    top, prefix, head = repository
    since = historycache.load_index(historycache.folder(cache_dir), top, prefix, keep=True)["head"]
    if since is None or not _ancestor(top, since):
        return None
    if since == head:
        return set()
    return {community_of(record) for _, _, _, changed in _walk(top, prefix, since)
            for rel, _ in changed if (record := record_of(rel)) is not None}


def _record_walk(where: Path | None, index: dict, walked: list) -> dict[str, dict]:
    """Each new commit's changes into the cache files of the communities it touched (read back
    first): community code → its cache, with `touched` listing the records to work out again."""
    shards: dict[str, dict] = {}
    for sha, day, message, changed in walked:
        index["n"] += 1
        reason = _reason(message)
        for rel, blob in changed:
            record = record_of(rel)
            if record is None:
                continue
            code = community_of(record)
            if code not in shards:
                shards[code] = historycache.load_shard(where, code) | {"touched": set()}
            rows = shards[code]["files"].setdefault(rel, [])
            if any(row[1] == sha for row in rows):  # recorded by a walk cut short before its index was saved
                continue
            rows.append([index["n"], sha, day, blob, reason])
            shards[code]["touched"].add(record)
    return shards


def _work_out(top: Path, index: dict, shards: dict[str, dict], city: dict | None = None) -> None:
    """The touched records' versions, stamps, codes, snapshots and diffs, from one `git cat-file`
    of the files of the records with more than one version (a single version is the current one:
    its stamp comes from the working files, generator/stamp.py)."""
    versions_of: dict[str, list[Version]] = {}
    for code, shard in shards.items():
        records = _records(shard["files"])
        for record in shard["touched"]:
            versions_of[record] = records.get(record, [])
    wanted = {b for versions in versions_of.values() if len(versions) > 1 for v in versions for b in v.files.values()}
    content = _read_blobs(top, wanted)
    for record, versions in sorted(versions_of.items()):
        shard = shards[community_of(record)]
        if len(versions) > 1:
            _stamp_versions(record, versions, content, city)
            _detail(record, versions)
        if versions:
            shard["records"][record] = [[v.n, v.commit, v.date, v.reason, v.stamp, v.code, v.unexplained]
                                        for v in versions]
        else:
            shard["records"].pop(record, None)
        if len(versions) > 1:
            shard["details"][record] = [[v.snapshot, v.changes] for v in versions]
            index["amended"][record] = [[v.n, v.date, v.reason, v.code, v.unexplained] for v in versions]
        else:
            shard["details"].pop(record, None)
            index["amended"].pop(record, None)
    for shard in shards.values():
        del shard["touched"]


def _from_shard(shard: dict) -> dict[str, RecordHistory]:
    out = {}
    for record, rows in shard["records"].items():
        details = shard["details"].get(record) or [[None, None]] * len(rows)
        out[record] = RecordHistory(record, [
            Version(n, commit, date, reason, {}, stamp, code, unexplained, snap, changes)
            for (n, commit, date, reason, stamp, code, unexplained), (snap, changes) in zip(rows, details)])
    return out


def _city_settings(data: Path) -> dict | None:
    """The city.yaml as it is now (its category lists read an old printed board's lines), or None."""
    try:
        return yaml_mapping((data / "city.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


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


def _stamp_versions(record: str, versions: list[Version], content: dict[str, bytes], city: dict | None = None) -> None:
    """Each version's stamp and code, as its printed sheet carried them; an amendment without a
    reason to a version already published is marked unexplained."""
    previous_amendment = None
    for i, v in enumerate(versions):
        if not all(b in content for b in v.files.values()):
            continue
        v.snapshot = snap = snapshot(record, {rel: content[b] for rel, b in v.files.items()}, city)
        hashes = {rel: hashlib.sha256(content[b]).hexdigest() for rel, b in v.files.items()}
        if record.startswith("record/"):
            # A record page's sheet is stamped from the loaded rows (print/records.py), not from these
            # bytes: no stamp or code is claimed for a version, so /verify/ never names one not printed.
            v.stamp = v.code = ""
        else:
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
    keys = {"period": ("published_on", "review.reviewed_on"), "report": ("date",), "roster": ("elected_on",),
            "record": ()}[kind]
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
    if kind == "record":
        return f"c/{code}/{rest[0]}/"
    return f"c/{code}/"


def _detail(record: str, versions: list[Version]) -> None:
    """Each version's diff from the one before (the snapshots were taken for the stamps)."""
    kind = record.split("/")[0]
    before = None
    for v in versions:
        if v.snapshot is None:
            continue
        v.changes = diff(before, v.snapshot, kind) if before is not None else None
        before = v.snapshot

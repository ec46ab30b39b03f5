"""What the last build published, kept beside the site, so the next build redoes only what changed.

A city of 5,000 communities takes minutes to build whole, and a clerk who corrects one ledger
should see it online in seconds. After every successful build the cache holds:
- the state: a stat and sha256 of every data file, the hashes of the files the build read, the
  generated page paths, and the sha256 of every page's search document per search bundle;
- a summary copy of every community (the model without its ledger lines, with their totals),
  which is all the city's own pages (home, districts, streets, rollout) need;
- every community's rows of the city-wide downloads, already written (one file a community: the
  city's files are these put together, and no build holds all of them at once);
- the theme: what MkDocs rendered (page shells, hand-written pages, assets), the data version
  left as a token;
- the search documents, one folder per Pagefind bundle.

The next build republishes when only community folders changed and nothing else did (the city's
own files, Juwu's code, templates, theme and pages): it checks only those communities (the city
tables' schema check is reused), takes the others from the summaries, renders the city's pages
and those communities' pages, downloads and search documents into a stage, re-indexes only the
search bundles whose documents changed, and moves the stage into the site file by file
(write.publish_changes, journalled). Anything else, or any doubt, is a full build. The result is
the same site a full build makes (tests/test_republish.py builds both and compares).

The state is removed before a build starts changing the cache and written again only when the
build has published, so a failed or killed build is always followed by a full one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import os
import pickle
import re
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator import collector, gitstatus
from generator.model import Community

FORMAT = 10  # bump when what the cache holds changes shape (10: city rows kept apart from the summaries)
RACY_NS = 2_000_000_000  # a file changed this close to the last scan is hashed again whatever its stat
CODE_RE = re.compile(r"^[0-9]{12}$")


FileState = tuple[int, int, str]  # (mtime_ns, size, sha256) of a data file: plain, so 100,000 pickle fast


@dataclass
class State:
    engine: str  # hash of what turns data into a site: code, templates, theme, hand-written pages
    site: str  # the site folder it was published to
    scanned_ns: int  # when the data folder was scanned
    files: dict[str, FileState]  # every file under the data folder
    hashes: dict[str, str]  # the files the build read → sha256 (the model's source_hashes)
    paths: list[str]  # generated page paths
    documents: dict[str, dict[str, str]] = field(default_factory=dict)  # bundle → page path → sha256
    city_tables: dict = field(default_factory=dict)  # the city tables' schema check (validate/schema.py)
    held: dict = field(default_factory=dict)  # community → HeldBack: held back by the published build
    git: gitstatus.Snapshot | None = None  # the data's repository at the scan: the next scan asks git
    version: str = ""  # the city's data version its pages carry (site/pages.py), which a republish restamps
    format: int = FORMAT

    def only(self, codes: set[str]) -> "State":
        """This state with the hashes, pages and search documents of these communities only: what
        a full build keeps of the published one (~100 MB less at 5,000 communities)."""
        return dataclasses.replace(
            self, files={}, hashes={rel: sha for rel, sha in self.hashes.items() if under(rel, codes)},
            paths=[path for path in self.paths if under(path, codes)],
            documents={bundle: {path: sha for path, sha in docs.items() if under(path, codes)}
                       for bundle, docs in self.documents.items()})


@dataclass(frozen=True)
class Plan:
    """A republish: the communities whose folders changed since the published build."""

    previous: State
    changed: frozenset[str]


class BuildCache:
    def __init__(self, root: Path):
        self.root = root
        self.theme = root / "theme"
        self.documents = root / "search"
        self.trash = root / "trash"  # old trees being deleted in the background
        self.journal = root / "publishing.json"  # a republish going live (write.publish_changes)
        self._state = root / "state.pickle"
        self._summaries = root / "communities"  # one file per district: a republish rewrites one
        self.rows = root / "rows"  # <code>.pickle: a community's city rows, as published
        self.new_rows = root / "rows.new"  # the rows this build renders, moved into rows/ once published
        self._sheets = root / "sheets.pickle"  # (the data's date, every community's /verify/ sheets)

    @contextlib.contextmanager
    def locked(self):
        """Hold the cache's lock file (flock: released by the kernel if the process dies)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def state(self) -> State | None:
        state = _unpickled(self._state)
        return state if isinstance(state, State) and state.format == FORMAT else None

    def forget(self) -> None:
        """From now on the cache no longer matches the published site: the next build is full."""
        self._state.unlink(missing_ok=True)

    def summaries(self) -> "Summaries":
        """The published build's community summaries, each district's file read when first asked for."""
        return Summaries(self._summaries)

    def start_rows(self) -> None:
        """An empty rows.new/ for the communities this build renders (keep_rows)."""
        shutil.rmtree(self.new_rows, ignore_errors=True)
        self.new_rows.mkdir(parents=True)

    def keep_rows(self, code: str, rows: dict) -> None:
        """One community's city rows into rows.new/ (fill.fill_pages calls it in its render workers)."""
        _dump(self.new_rows / f"{code}.pickle", rows)

    def has_rows(self, codes: set[str]) -> bool:
        """Whether rows/ has the published rows of all these communities."""
        try:
            present = {entry.name for entry in os.scandir(self.rows)}
        except OSError:
            return not codes
        return all(f"{code}.pickle" in present for code in codes)

    def rows_of(self, rendered: set[str]):
        """code → its city rows after this build: made now (rows.new/) or published (rows/); None when
        neither has them (the caller makes them from the model)."""
        def rows(code: str):
            return _unpickled((self.new_rows if code in rendered else self.rows) / f"{code}.pickle")
        return rows

    def changed_tables(self, rendered: set[str]) -> set[str] | None:
        """The city tables in which a rendered community's rows differ from those published: a
        republish writes only these (a corrected ledger line changes none of the city's ~150 MB at
        5,000 communities); None when a community has no published rows to compare with."""
        changed: set[str] = set()
        for code in sorted(rendered):
            now, before = _unpickled(self.new_rows / f"{code}.pickle"), _unpickled(self.rows / f"{code}.pickle")
            if not isinstance(now, dict) or not isinstance(before, dict):
                return None
            changed |= {name for name in now.keys() | before.keys() if now.get(name) != before.get(name)}
        return changed

    def sheets(self) -> tuple | None:
        """(the data's date, community → its /verify/ sheets) of the published build, or None."""
        found = _unpickled(self._sheets)
        return found if isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], dict) else None

    def save(self, state: State, summaries: dict[str, Community], districts: set[str] | None = None,
             sheets: tuple | None = None, communities: set[str] | None = None) -> None:
        """Write the state, the summaries of these districts (of all when None), the /verify/
        sheets, and move the rows this build made into rows/ (a full build: keeping only the rows
        of `communities`, the city's)."""
        if sheets is not None:
            _dump(self._sheets, sheets)
        else:
            self._sheets.unlink(missing_ok=True)
        self._publish_rows(communities)
        self._summaries.mkdir(parents=True, exist_ok=True)
        by_district: dict[str, dict[str, Community]] = {}
        for code, entry in summaries.items():
            by_district.setdefault(code[:6], {})[code] = entry
        for path in self._summaries.glob("*.pickle"):
            if path.stem not in by_district:
                path.unlink()
        for district, entries in sorted(by_district.items()):
            if districts is None or district in districts:
                _dump(self._summaries / f"{district}.pickle", entries)
        _dump(self._state, state)  # last: the state says the rest is complete

    def _publish_rows(self, communities: set[str] | None) -> None:
        self.rows.mkdir(parents=True, exist_ok=True)
        if communities is not None:
            for entry in os.scandir(self.rows):
                if entry.name.removesuffix(".pickle") not in communities:
                    os.unlink(entry.path)
        if self.new_rows.is_dir():
            for entry in os.scandir(self.new_rows):
                os.replace(entry.path, self.rows / entry.name)


class Summaries:
    """The published build's summaries (code → Community), read a district's file at a time when
    first asked for: a full build needs only those of communities it holds back, a republish the
    unchanged ones. An unreadable file counts as missing (the caller then builds in full)."""

    def __init__(self, folder: Path):
        self._folder = folder
        self._districts: dict[str, dict] = {}

    def get(self, code: str) -> Community | None:
        district = code[:6]
        if district not in self._districts:
            found = _unpickled(self._folder / f"{district}.pickle")
            self._districts[district] = found if isinstance(found, dict) else {}
        return self._districts[district].get(code)

    def __contains__(self, code: str) -> bool:
        return self.get(code) is not None

    def __getitem__(self, code: str) -> Community:
        found = self.get(code)
        if found is None:
            raise KeyError(code)
        return found


def _dump(path: Path, value) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


def summary(community: Community) -> Community:
    """What the city's own pages, feed and /verify/ need of a community: no ledger lines (each
    period keeps its totals), no report bodies, opinion texts or officials, and of the members only
    the chair, whom the allowances sheet's stamp reads (the city-wide downloads are kept as rows
    already written)."""
    periods = [dataclasses.replace(p, lines=[], totals=(p.income_total, p.expense_total)) for p in community.periods]
    reports = [dataclasses.replace(r, body="") for r in community.reports]
    opinions = [dataclasses.replace(o, content=None, answer=None) for o in community.opinions]
    return dataclasses.replace(community, periods=periods, reports=reports, opinions=opinions,
                               members=[m for m in community.members if m.is_chair][:1], officials=[])


def scan(data: Path, previous: State | None) -> tuple[dict[str, FileState], gitstatus.Snapshot | None]:
    """Every file under the data folder (hidden folders such as .git skipped), with what git says
    of the folder now (None: no git, or a symlink among the files). When the last scan saw the
    folder's repository, only the files git lists as changed since are looked at (git_rescan);
    otherwise the whole folder is walked (walk)."""
    if previous is not None and previous.git is not None:
        since = gitstatus.changed_since(data, previous.git)
        if since is not None:
            files = git_rescan(data, previous, since[1])
            if files is not None:
                return files, since[0]
    now = gitstatus.snapshot(data)
    files, links = walk(data, previous)
    return files, None if links else now


def git_rescan(data: Path, previous: State, listed: set[str]) -> dict[str, FileState] | None:
    """The last scan's files with those git listed stat-ed and hashed again (or gone), and those
    last hashed around that scan (changed, then changed back, while it ran); None when one is a
    symlink (its target may change without git seeing it: walk the folder)."""
    files = dict(previous.files)
    racy = previous.scanned_ns - RACY_NS
    for rel in listed | {rel for rel, f in previous.files.items() if f[0] >= racy}:
        if any(part.startswith(".") for part in rel.split("/")[:-1]):  # hidden folders, as walk skips them
            continue
        path = os.path.join(data, rel)
        try:
            st = os.lstat(path)
        except OSError:
            files.pop(rel, None)
            continue
        if stat.S_ISLNK(st.st_mode):
            return None
        if stat.S_ISDIR(st.st_mode):  # git may list a folder (a nested repository): let the walk decide
            return None
        files[rel] = (st.st_mtime_ns, st.st_size, _sha256(path))
    return files


def walk(data: Path, previous: State | None) -> tuple[dict[str, FileState], bool]:
    """Every file under the data folder, hashed again only when its size or modification time
    changed, or it changed around the last scan; and whether any is a symlink."""
    known = previous.files if previous else {}
    links = False
    racy = (previous.scanned_ns - RACY_NS) if previous else 0
    found: dict[str, FileState] = {}
    for folder, dirs, files in os.walk(data):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder).relative_to(data).as_posix()
        for name in files:
            rel = name if base == "." else f"{base}/{name}"
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode):
                    links = True
                    st = os.stat(path)
            except OSError:
                continue
            old = known.get(rel)
            if old and old[1] == st.st_size and old[0] == st.st_mtime_ns and st.st_mtime_ns < racy:
                found[rel] = old
            else:
                found[rel] = (st.st_mtime_ns, st.st_size, _sha256(path))
    return found, links


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()


def plan(previous: State | None, engine: str, site: Path, files: dict[str, FileState]) -> Plan | None:
    """A republish of the changed communities, or None when only a full build will do."""
    if previous is None or previous.engine != engine or previous.site != str(site.resolve()):
        return None
    if not site.is_dir():
        return None
    changed: set[str] = set()
    known = previous.files
    differing = [rel for rel, now in files.items() if (before := known.get(rel)) is None or before[2] != now[2]]
    for rel in differing + list(known.keys() - files.keys()):  # changed or new, then gone
        parts = rel.split("/")
        if len(parts) >= 3 and parts[0] == "communities" and CODE_RE.match(parts[1]):
            changed.add(parts[1])
        else:
            return None  # the city's own files, or a stray file: a full build
    return Plan(previous, frozenset(changed))


def under(path: str, codes: frozenset[str] | set[str]) -> bool:
    """Whether a page path or data file belongs to one of these communities."""
    parts = path.split("/", 2)  # only the first two parts matter: 100,000 paths are asked at 5,000 communities
    return len(parts) > 1 and parts[0] in ("c", "communities") and parts[1] in codes


def engine_hash(roots: list[Path], skip: tuple[str, ...] = ()) -> str:
    """One hash of every file under these folders (or these files), generated ones skipped."""
    h = hashlib.sha256(f"format {FORMAT}\n".encode())
    for root in roots:
        if root.is_file():
            h.update(f"{root}\0{_sha256(str(root))}\n".encode())
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
            for name in sorted(files):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                if any(rel == s or rel.startswith(s + "/") for s in skip) or name.endswith(".pyc"):
                    continue
                h.update(f"{root}/{rel}\0{_sha256(path)}\n".encode())
    return h.hexdigest()


def now_ns() -> int:
    return time.time_ns()


# What a cache file left by another version, or cut short, raises when read back: a full build.
_UNREADABLE = (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError)


def _unpickled(path: Path):
    """The object pickled at `path`, or None when it is missing or unreadable."""
    try:
        with path.open("rb") as f, collector.paused():  # a state or summaries: objects kept, not garbage
            return pickle.load(f)
    except _UNREADABLE:
        return None

"""Publishing accepted uploads: one commit of exactly the clerk's files, never half-done.

Every write goes through `publish`, under a lock that is both a thread lock (this process) and
an flock on a file (any other process using the same state folder). Under the lock the upload is
checked once more against the data as last committed — another clerk may have changed the
previous period meanwhile — and published only when still clean:

1. the commit is built from HEAD plus exactly the clerk's files (and the catalogue when its list of
   CSV files changes) in a private index, so nothing else in the working tree is swept in;
2. a journal in the state folder records the commit and its paths;
3. HEAD moves by one compare-and-swap — the moment the upload is published;
4. the working tree and index are brought to HEAD for those paths only; the journal is removed.

A process killed anywhere in between leaves either no commit or a whole one; `recover` (run at
start-up and before every publication) finishes step 4 from the journal. Nothing is ever written
into data/ before it is committed, so an uncommitted file can never pass for a published one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.catalogue import (DESCRIPTOR_NAME, OWN_LAYOUT, TITLED, TITLED_SCHEMAS, build_descriptor, dump_yaml,
                                 header_shape, titled_schema_text)
from generator.intake import gitrepo, staging
from generator.intake.gitrepo import RepoError, git, toplevel  # noqa: F401 (re-exported for rebuild and tests)
from generator.intake.settings import IntakeSettings
from generator.intake.uploads import Candidate, read_table_upload, table_as_csv
from generator.intake.users import User
from generator.load import yamlfile

COMMITTER = ("Juwu 上传服务", "intake@juwu.invalid")
_thread_lock = threading.Lock()


class Conflict(RepoError):
    """The data changed since the upload was checked: the clerk should upload again."""

    code = "upload-conflict"


class NoChange(RepoError):
    """The upload is byte for byte what is already published: nothing to commit."""

    code = "upload-unchanged"

    def __init__(self):
        super().__init__("与已公开内容相同，无需提交", "identical to what is already published; nothing to commit")


@dataclass
class Published:
    commit: str
    files: list[str]


@contextlib.contextmanager
def repo_lock(settings: IntakeSettings, timeout: float = 60.0):
    """Serialise every write to the repository, across threads and processes."""
    if not _thread_lock.acquire(timeout=timeout):
        raise Conflict("其他上传正在提交，请稍后重试", "another upload is being committed; try again shortly")
    try:
        settings.lock_file.parent.mkdir(parents=True, exist_ok=True)
        with open(settings.lock_file, "a+") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise Conflict("其他上传正在提交，请稍后重试",
                                       "another upload is being committed; try again shortly") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        _thread_lock.release()


def finalise(candidate: Candidate, existing: set[str]) -> Candidate:
    """The files as the data folder keeps them: an .xlsx sheet becomes UTF-8 CSV (readable diffs).

    Only files in EXISTING (committed now) are ever listed as removed."""
    out = Candidate(candidate.kind, candidate.community, removes=list(candidate.removes), what=candidate.what,
                    period=candidate.period, amendment=candidate.amendment)
    for rel, content in candidate.writes.items():
        if rel.endswith(".xlsx"):
            _, _, table = read_table_upload(content, candidate.period)
            out.writes[rel[:-5] + ".csv"] = table_as_csv(table)
            out.removes.append(rel)
        else:
            out.writes[rel] = content
    out.removes = sorted((set(out.removes) - set(out.writes)) & existing)
    return out


def changes(data: Path, final: Candidate) -> dict[str, bytes | None]:
    """What publishing FINAL would change against HEAD (path in data/ → bytes, None removes):
    the clerk's files that differ, and the catalogue when its list of CSV files changes."""
    top = toplevel(data)
    prefix = gitrepo.prefix_of(data, top)
    wanted: dict[str, bytes | None] = {**{rel: None for rel in final.removes}, **final.writes}
    now = gitrepo.blobs(top, "HEAD", [prefix + rel for rel in wanted])
    out = {rel: content for rel, content in wanted.items()
           if now[prefix + rel] != (None if content is None else _blob_id(top, content))}
    catalogue = _catalogue(top, prefix, out)
    if catalogue is not None:
        out[DESCRIPTOR_NAME] = catalogue
        named = set(re.findall(rf"schema: {re.escape(TITLED_SCHEMAS)}/([a-z_]+)\.yaml", catalogue.decode("utf-8")))
        wanted = {f"{TITLED_SCHEMAS}/{kind}.yaml": kind for kind in sorted(named)}
        there = gitrepo.blobs(top, "HEAD", [prefix + rel for rel in wanted])
        out.update({rel: titled_schema_text(kind).encode("utf-8") for rel, kind in wanted.items()
                    if there[prefix + rel] is None})  # a catalogue never names a schema the repository lacks
    return out


def publish(settings: IntakeSettings, user: User, candidate: Candidate, base: dict[str, str | None],
            upload_id: str) -> Published:
    """Check again and publish as one commit; or raise Conflict / NoChange / RepoError with nothing changed."""
    data = settings.data.resolve()
    top = toplevel(data)
    prefix = gitrepo.prefix_of(data, top)
    for rel in candidate.touched():
        staging.inside(user.community or "", rel)
    with repo_lock(settings):
        recover(settings)
        parent = gitrepo.head(top)
        if staging.file_hashes(data, sorted(base)) != base:
            raise Conflict("你上传之后，这些文件已被修改（可能是同事刚刚提交），请重新上传核对",
                           "the files changed after your upload was checked; upload again")
        final = finalise(candidate, staging.existing_files(data, candidate.community))
        checked = staging.check(data, final.community, final, settings.state / "tmp")
        if not checked.ok:
            raise Conflict("与最新数据一起检查时发现错误（可能是同事刚刚提交），请重新上传核对",
                           "the upload has errors against the latest data; upload again")
        planned = changes(data, final)
        if not planned:
            raise NoChange()
        touched = sorted(planned)
        paths = [prefix + rel for rel in touched]
        before = gitrepo.blobs(top, parent, paths)
        commit = gitrepo.commit_paths(
            top, parent, {prefix + rel: content for rel, content in planned.items()},
            (user.display_name, f"{user.username}@intake.invalid"), COMMITTER,
            commit_message(user, final, upload_id, touched), settings.state / "tmp")
        _write_journal(settings, {"upload": upload_id, "user": user.username, "community": final.community,
                                  "parent": parent, "commit": commit, "paths": paths, "before": before})
        checkpoint(settings, "journal-written")
        try:
            gitrepo.move_head(top, commit, parent, f"juwu intake: upload {upload_id}")
        except RepoError:
            settings.journal.unlink(missing_ok=True)  # HEAD moved under us; nothing was changed
            raise Conflict("数据仓库刚被其他人修改，请重新上传核对", "the repository changed meanwhile; upload again") from None
        checkpoint(settings, "committed")
        left = gitrepo.sync_paths(top, paths, only_if=before)
        checkpoint(settings, "synced")
        settings.journal.unlink(missing_ok=True)
    audit(settings, {"event": "publish", "user": user.username, "community": user.community,
                     "commit": commit, "files": touched, "what": final.what, "upload": upload_id,
                     "amendment": final.amendment, **({"left-uncommitted-edits": left} if left else {})})
    return Published(commit, touched)


def recover(settings: IntakeSettings) -> bool:
    """Finish what a killed publication left (call under `repo_lock`, or before serving).

    The journal names the paths of the unfinished upload; they are brought to HEAD in the working
    tree and index, whether or not the commit landed. True when the commit had landed (the site
    then needs a rebuild)."""
    try:
        journal = json.loads(settings.journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        settings.journal.unlink(missing_ok=True)  # torn before the commit could move HEAD
        return False
    top = toplevel(settings.data.resolve())
    landed = gitrepo.is_ancestor(top, journal["commit"], "HEAD")
    left = gitrepo.sync_paths(top, journal["paths"], only_if=journal["before"])
    settings.journal.unlink(missing_ok=True)
    audit(settings, {"event": "recovered", "upload": journal.get("upload"), "user": journal.get("user"),
                     "community": journal.get("community"), "commit": journal["commit"] if landed else None,
                     "landed": landed, **({"left-uncommitted-edits": left} if left else {})})
    return landed


def checkpoint(settings: IntakeSettings, name: str) -> None:
    """Test hook: with `pause_at` set to NAME (JUWU_INTAKE_PAUSE_AT), say so in STATE/paused-at-NAME and
    stop here (at most `pause_seconds`) so a test can kill the process at this exact point. Unset, a no-op."""
    if settings.pause_at != name:
        return
    marker = settings.state / f"paused-at-{name}"
    marker.write_text(str(os.getpid()), encoding="utf-8")
    deadline = time.monotonic() + settings.pause_seconds
    while time.monotonic() < deadline and marker.exists():
        time.sleep(0.05)


def _write_journal(settings: IntakeSettings, record: dict) -> None:
    settings.state.mkdir(parents=True, exist_ok=True)
    tmp = settings.journal.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(record, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, settings.journal)


def _blob_id(top: Path, content: bytes) -> str:
    return gitrepo.run(top, "hash-object", "--no-filters", "--stdin", input=content).decode("ascii").strip()


def _catalogued(rel: str) -> bool:
    """The CSV files datapackage.yaml lists (as `catalogue.scan_csv_paths` finds them)."""
    parts = PurePosixPath(rel).parts
    if not rel.endswith(".csv"):
        return False
    return (len(parts) == 1 and rel in ("communities.csv", "rollout.csv")) or (
        parts[0] == "communities" and (len(parts) == 3 or (len(parts) == 4 and parts[2] == "finance")))


def _catalogue(top: Path, prefix: str, planned: dict[str, bytes | None]) -> bytes | None:
    """The committed datapackage.yaml rewritten for the planned files, or None when it does not change."""
    committed = gitrepo.blobs(top, "HEAD", [prefix + DESCRIPTOR_NAME])[prefix + DESCRIPTOR_NAME]
    if committed is None:
        return None
    csvs = {p[len(prefix):] for p in gitrepo.files_under(
        top, "HEAD", [prefix + "communities.csv", prefix + "rollout.csv", prefix + "communities"])}
    csvs = {rel for rel in csvs if _catalogued(rel)}
    after = (csvs - {rel for rel, c in planned.items() if c is None}) | {
        rel for rel, c in planned.items() if c is not None and _catalogued(rel)}
    if after == csvs:
        return None
    old = gitrepo.read_blob(top, committed).decode("utf-8")
    try:
        current = yamlfile.parse(old)
    except yamlfile.YamlRefused:
        current = {}
    name = current.get("name").text if isinstance(current, dict) and hasattr(current.get("name"), "text") else "juwu-city"
    title = current.get("title").text if isinstance(current, dict) and hasattr(current.get("title"), "text") else None
    shapes = _header_shapes(current, planned)
    text = dump_yaml(build_descriptor(sorted(after), name, title,
                                      {rel for rel in after if shapes.get(rel) == TITLED},
                                      {rel for rel in after if shapes.get(rel) == OWN_LAYOUT}))
    return None if text == old else text.encode("utf-8")


def _header_shapes(current, planned: dict[str, bytes | None]) -> dict[str, str]:
    """Each CSV file's header shape (catalogue.header_shape): as the committed catalogue declares it
    (a titled schema, or a plain file for the clerk's own layout), and each planned file by its own
    first line."""
    listed = current.get("resources") if isinstance(current, dict) else None
    out = {}
    for resource in listed if isinstance(listed, list) else []:
        path, schema, kind = (resource.get(k) if isinstance(resource, dict) else None for k in ("path", "schema", "type"))
        if not hasattr(path, "text"):
            continue
        if hasattr(schema, "text") and schema.text.startswith(TITLED_SCHEMAS + "/"):
            out[path.text] = TITLED
        elif hasattr(kind, "text") and kind.text == "file":
            out[path.text] = OWN_LAYOUT
    for rel, content in planned.items():
        if content is not None and _catalogued(rel):
            out[rel] = header_shape(rel, content[:4096])
    return out


def commit_message(user: User, c: Candidate, upload_id: str, touched: list[str]) -> str:
    lines = [f"{c.what}（社区 {c.community}）", "",
             f"Intake upload by {user.display_name} ({user.username}) for community {c.community}: {c.kind}."]
    if c.amendment:
        lines += ["", f"更正说明 Amendment: {c.amendment}"]
    lines += ["", "Files:"] + [f"  {'removed ' if rel in c.removes else ''}{rel}" for rel in touched]
    lines += ["", f"Upload-Id: {upload_id}"]
    return "\n".join(lines) + "\n"


def audit(settings: IntakeSettings, event: dict) -> None:
    """One JSON line per event, appended (O_APPEND) and flushed: the service's own audit trail."""
    settings.state.mkdir(parents=True, exist_ok=True)
    record = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **event}
    line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(settings.audit_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)

"""The history walk kept on disk, one file per community, so a republish reads and writes only what changed.

    <build cache>/history/index.json   the commit the walk reached, the commit counter, and every
                                       amended record's versions (what /verify/ and the findings of
                                       the whole city need)
    <build cache>/history/<code>.json  one community: each of its data files' changes, each record's
                                       versions, and the snapshot and diff of every version of an
                                       amended record (what its history pages show)

A republish that changes one community rewrites that community's file and the index; a build with
an unchanged git head writes nothing. Every write is a whole file replaced atomically; a walk cut
short between a community's file and the index is walked again, and a change already recorded is
not recorded twice (generator/history.py dedupes by commit). A cache made by another repository,
another format or another version of the code that makes it is dropped whole and walked again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

FOLDER = "history"
INDEX = "index.json"
FORMAT = 2
OLD_SINGLE_FILE = "history.json"  # format 1: one file of every data file's versions
# The code that works out versions, stamps, snapshots and diffs: when it changes, what the cache
# holds may no longer be what it would make, so the walk starts again.
MAKERS = ("history.py", "historycache.py", "snapshots.py", "stamp.py")


def _makers() -> str:
    here = Path(__file__).parent
    h = hashlib.sha256()
    for name in MAKERS:
        h.update(name.encode() + b"\0" + (here / name).read_bytes())
    return h.hexdigest()[:16]


def fresh_index(top: Path, prefix: str) -> dict:
    return {"format": FORMAT, "code": _makers(), "top": str(top), "prefix": prefix, "head": None, "n": 0,
            "amended": {}}


def fresh_shard() -> dict:
    return {"files": {}, "records": {}, "details": {}}


def folder(cache_dir: Path | None) -> Path | None:
    return cache_dir / FOLDER if cache_dir is not None else None


def load_index(where: Path | None, top: Path, prefix: str, keep: bool = False) -> dict:
    """The walk so far, or a fresh one (no cache, another repository or format, unreadable; then
    the cache is dropped, unless `keep`: only looking)."""
    if where is not None:
        cached = _read(where / INDEX)
        if (isinstance(cached, dict) and cached.get("format") == FORMAT and cached.get("code") == _makers()
                and cached.get("top") == str(top) and cached.get("prefix") == prefix):
            return cached
        if not keep:
            forget(where)  # another repository, format or code: no community's file is kept either
    return fresh_index(top, prefix)


def load_shard(where: Path | None, code: str) -> dict:
    cached = _read(where / f"{code}.json") if where is not None else None
    return cached if isinstance(cached, dict) and {"files", "records", "details"} <= set(cached) else fresh_shard()


def shard_codes(where: Path | None) -> list[str]:
    if where is None or not where.is_dir():
        return []
    return sorted(p.stem for p in where.glob("*.json") if p.name != INDEX)


def forget(where: Path | None) -> None:
    """History rewritten or a new repository: every community's file goes with the index."""
    if where is not None:
        shutil.rmtree(where, ignore_errors=True)


def save(where: Path | None, index: dict, shards: dict[str, dict]) -> None:
    """The changed communities' files first, the index last (it names the commit they reached)."""
    if where is None:
        return
    where.mkdir(parents=True, exist_ok=True)
    for code, shard in sorted(shards.items()):
        _write(where / f"{code}.json", shard)
    _write(where / INDEX, index)
    (where.parent / OLD_SINGLE_FILE).unlink(missing_ok=True)


def _read(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, value: dict) -> None:
    tmp = path.with_suffix(".tmp")
    # Keys not sorted: a ledger line keeps its columns in the order the pages show them.
    tmp.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)

"""Make a Pagefind bundle byte-identical from one build to the next.

Pagefind 1.5 writes its word index and fragments deterministically, but the filter chunks list
their values (and the metadata file lists the filters) in hash-map order, which changes from run
to run (Pagefind issue #638). We sort them, rename the rewritten files by a hash of their content
and point pagefind-entry.json at the new metadata file. The files are gzip'd CBOR after a
"pagefind_dcd" signature; only the CBOR types Pagefind writes (unsigned and negative integers,
text, arrays) are handled, anything else leaves the bundle as it was.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

SIGNATURE = b"pagefind_dcd"


class Unsupported(ValueError):
    pass


def stabilise(bundle: Path) -> None:
    """Sort filter values and filters in one bundle folder (pagefind/<name>/) in place."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        try:
            meta = _read(meta_path)
            for item in meta[3]:  # [filter name, chunk ref]
                old_path = bundle / "filter" / f"{item[1]}.pf_filter"
                chunk = _read(old_path)
                chunk[1].sort(key=lambda value: value[0])  # [filter, [[value, pages], ...]]
                item[1] = _write(lambda ref: bundle / "filter" / f"{ref}.pf_filter", language, 7, chunk)
                if item[1] != old_path.name[:-len(".pf_filter")]:
                    old_path.unlink()
            meta[3].sort(key=lambda item: item[0])
        except (Unsupported, IndexError, TypeError, ValueError, OSError):
            continue  # an unexpected layout: leave this language as Pagefind wrote it
        ref = _write(lambda ref: bundle / f"pagefind.{ref}.pf_meta", language, 10, meta)
        if ref != info["hash"]:
            meta_path.unlink()
            info["hash"] = ref
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise Unsupported(path.name)
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw):
        raise Unsupported(path.name)
    return value


def _write(path_for, language: str, digits: int, value) -> str:
    """Write gzip'd CBOR under a name made from its content; return the ref Pagefind uses."""
    raw = SIGNATURE + _encode(value)
    ref = f"{language}_{hashlib.sha256(raw).hexdigest()[:digits]}"
    path_for(ref).write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    return ref


def _decode(b: bytes, i: int):
    head = b[i]
    major, info = head >> 5, head & 31
    i += 1
    if info < 24:
        n = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        n = int.from_bytes(b[i:i + size], "big")
        i += size
    else:
        raise Unsupported(f"CBOR {head:#x}")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major == 3:
        return b[i:i + n].decode("utf-8"), i + n
    if major == 4:
        items = []
        for _ in range(n):
            item, i = _decode(b, i)
            items.append(item)
        return items, i
    raise Unsupported(f"CBOR major type {major}")


def _encode(value) -> bytes:
    if isinstance(value, bool) or value is None:
        raise Unsupported(repr(value))
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    raise Unsupported(type(value).__name__)


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise Unsupported(str(n))

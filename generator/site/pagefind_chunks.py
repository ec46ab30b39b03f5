"""Smaller word-index chunks in a Pagefind bundle: what a phone downloads per query word.

Pagefind cuts a bundle's word index into chunks of about 20,000 postings (a page or a place a word
stands at), hard-coded (its `chunk_index`), and the browser fetches the whole chunk that holds a
query's word: ~20 KB for a word found on a handful of pages, once per bundle the query searches. A
district is searched in several bundles (search.MAX_PAGES) and a query looks up each of its
characters (search.characters), so a first query inside a district fetched ~9–20 such chunks
(180–380 KB at 1,000 communities). Cut again into chunks of about TARGET bytes, a word costs about
what its own postings weigh; the bundle's metadata lists a few hundred more chunks (~6 KB).

The word entries are copied byte for byte, in Pagefind's order, into new chunks; the metadata's
chunk list gets the new boundaries (_bounds), and the new files are named by their content like
every other file of the bundle. A layout this module does not know leaves the bundle as Pagefind
wrote it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

from generator.site import pagefind_stable

TARGET = 8_000  # bytes of a chunk before compression (Pagefind's own chunks: ~55,000)

# CBOR as Pagefind writes a word's postings: [page, [places], [meta places]] per page, all
# integers. Matched by the regular-expression engine rather than decoded item by item in Python:
# a bundle holds ~2 million integers and only the words' boundaries are needed.
_INT = rb"(?:[\x00-\x17\x20-\x37]|[\x18\x38][\x00-\xff]|[\x19\x39][\x00-\xff]{2}|[\x1a\x3a][\x00-\xff]{4}|[\x1b\x3b][\x00-\xff]{8})"
_INTS = rb"(?:[\x80-\x97]|\x98[\x00-\xff]|\x99[\x00-\xff]{2}|\x9a[\x00-\xff]{4})" + _INT + rb"*"
_POSTINGS = re.compile(rb"(?:\x83" + _INT + _INTS + _INTS + rb")*")
_TAIL = re.compile(_INTS)


def rechunk(bundle: Path, target: int = TARGET) -> None:
    """Cut every language's word index of one bundle folder (pagefind/<name>/) into chunks of about
    `target` bytes, in place. Run after pagefind_stable.stabilise (it rewrites the metadata too)."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    changed = False
    for language, info in sorted(entry["languages"].items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        try:
            meta = pagefind_stable._read(meta_path)
            old = [bundle / "index" / f"{chunk[2]}.pf_index" for chunk in meta[2]]
            words = [word for path in old for word in _words(gzip.decompress(path.read_bytes()))]
        except (pagefind_stable.Unsupported, IndexError, TypeError, ValueError, OSError):
            continue  # an unexpected layout: leave this language as Pagefind wrote it
        if not words:
            continue
        written: dict[str, bytes] = {}
        chunks = _cut(words, target)
        bounds = _bounds([(group[0][0], group[-1][0]) for group in chunks])
        meta[2] = [[low, high, _name(language, group, written)] for (low, high), group in zip(bounds, chunks)]
        for path in old:
            path.unlink()
        for name, raw in written.items():  # level 5: 1.6 % more bytes than 6, in 2/3 of the time
            (bundle / "index" / f"{name}.pf_index").write_bytes(gzip.compress(raw, compresslevel=5, mtime=0))
        ref = pagefind_stable._write(lambda ref: bundle / f"pagefind.{ref}.pf_meta", language, 10, meta)
        if ref != info["hash"]:
            meta_path.unlink()
            info["hash"] = ref
            changed = True
    if changed:
        entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _words(raw: bytes) -> list[tuple[str, bytes]]:
    """(word, its entry's CBOR bytes) of one chunk file's content, in order."""
    signature = pagefind_stable.SIGNATURE
    if not raw.startswith(signature) or raw[len(signature)] != 0x81:  # [[word entries]]
        raise pagefind_stable.Unsupported("index chunk")
    count, i = _head(raw, len(signature) + 1, 4)
    words = []
    for _ in range(count):
        start = i
        if raw[i] != 0x83:  # [word, postings, extras]
            raise pagefind_stable.Unsupported("word entry")
        length, i = _head(raw, i + 1, 3)
        word = raw[i:i + length].decode("utf-8")
        _, i = _head(raw, i + length, 4)
        i = _POSTINGS.match(raw, i).end()
        tail = _TAIL.match(raw, i)
        if tail is None:
            raise pagefind_stable.Unsupported("word entry")
        i = tail.end()
        words.append((word, raw[start:i]))
    if i != len(raw):
        raise pagefind_stable.Unsupported("index chunk")
    return words


def _head(raw: bytes, i: int, major: int) -> tuple[int, int]:
    """(the count or length of a CBOR item of the major type at raw[i], the index after its head)."""
    head = raw[i]
    if head >> 5 != major:
        raise pagefind_stable.Unsupported(f"CBOR {head:#x}")
    info = head & 31
    if info < 24:
        return info, i + 1
    if info in (24, 25, 26):
        size = 1 << (info - 24)
        return int.from_bytes(raw[i + 1:i + 1 + size], "big"), i + 1 + size
    raise pagefind_stable.Unsupported(f"CBOR {head:#x}")


def _cut(words: list[tuple[str, bytes]], target: int) -> list[list[tuple[str, bytes]]]:
    """Consecutive words in chunks, each closed once it holds `target` bytes (as Pagefind closes its own)."""
    chunks: list[list[tuple[str, bytes]]] = [[]]
    size = 0
    for word in words:
        if size >= target:
            chunks.append([])
            size = 0
        chunks[-1].append(word)
        size += len(word[1])
    return chunks


def _bounds(edges: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each chunk's (from, to) for the browser's lookup (a word is looked up in the first chunk with
    from <= word <= to). A chunk starts, as in Pagefind's chunk_meta, at the shortest prefix of its
    first word that its previous chunk's last word does not share (a query's word that only
    begins the chunk's words still finds them), and ends at its last word in full: Pagefind cuts
    that end to a prefix as well (中 for a chunk ending 中一 … 中秋), and a query's word past it
    (中心) is then in no chunk and not fetched when the query has other words."""
    bounds = [list(edge) for edge in edges]
    for left, right in zip(bounds, bounds[1:]):
        last, first = left[1], right[0]
        common = 0
        for a, b in zip(first, last):
            if a != b:
                break
            common += 1
        right[0] = first[:common + 1]
    return [(low, high) for low, high in bounds]


def _name(language: str, group: list[tuple[str, bytes]], written: dict[str, bytes]) -> str:
    """A chunk's file name, from its content as Pagefind names its own: the language and the
    shortest hash prefix (7 hex digits or more) no other chunk of the bundle has."""
    body = b"".join(entry for _, entry in group)
    raw = pagefind_stable.SIGNATURE + b"\x81" + _array(len(group)) + body
    digest = hashlib.sha256(raw).hexdigest()
    for digits in range(7, len(digest) + 1):
        name = f"{language}_{digest[:digits]}"
        if name not in written:
            written[name] = raw
            return name
    raise pagefind_stable.Unsupported("hash collision")  # pragma: no cover - identical chunks


def _array(count: int) -> bytes:
    return pagefind_stable._head(4, count)

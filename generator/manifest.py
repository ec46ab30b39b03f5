"""The published manifest: the SHA-256 of every data file a build read and of every file the site
publishes, the data repository's commit, and the SHA-256 of the previous manifest, so the published
history is a chain that cannot be shortened or rewritten without it showing.

`manifest.json` is the newest link; every link (the newest too) is kept as `manifests/<n>-<sha>.json`
(with its `.minisig` when signed). The build cache records the chain (number and hash of each link):
a build refuses to extend a chain that no longer matches the record unless the operator asks for it
(`juwu build --rewrite-history REASON`), and that request is logged in the manifest (`rewritten`).

Pure functions make and check manifests; the I/O part (`check_chain`, `publish`, `verify_site`)
reads and writes the site. No clock: a manifest's date is the data's.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import struct
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator import cores, keys
from generator.problems import ERROR, JuwuError, Problem

FORMAT = "juwu-manifest/1"
CURRENT, SIGNATURE, FOLDER, PUBKEY = "manifest.json", "manifest.json.minisig", "manifests", "pubkey.txt"
LINK_RE = re.compile(r"^([1-9][0-9]*)-([0-9a-f]{64})\.json$")
RACY_NS = 2_000_000_000
PENDING = "manifest-pending"  # in the build cache
LISTING = "manifest-listing.pickle"  # in the build cache: the newest manifest's number, rewrites and files
NO_KEY_TEXT = "本站的清单未签名。This site's manifest is not signed.\n"


# --- pure ----------------------------------------------------------------------------------------

def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make(n: int, previous: str | None, data_files: dict[str, str], site_files: dict[str, str],
         commit: str | None, version: str, rewritten: list[dict], key_id: str | None) -> bytes:
    """A manifest's bytes: canonical JSON (sorted keys, one file per line), same input, same bytes."""
    body = {"format": FORMAT, "n": n, "previous": previous, "data_commit": commit, "data_version": version,
            "date": version.rsplit(" · ", 1)[-1], "signed_by": key_id, "rewritten": rewritten,
            "data": _SPLICED, "site": _SPLICED}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1)
    # The two maps of ~100,000 paths each as json.dumps writes them, made ~5x faster: "data" is
    # the first key and "site" the last, whatever the values between them hold.
    first, last = text.index(_SPLICED_JSON), text.rindex(_SPLICED_JSON)
    return "".join((text[:first], _flat(data_files), text[first + len(_SPLICED_JSON):last], _flat(site_files),
                    text[last + len(_SPLICED_JSON):], "\n")).encode("utf-8")


_SPLICED = "\0files\0"  # a value no manifest has, replaced by a map
_SPLICED_JSON = json.dumps(_SPLICED)


def _flat(files: dict[str, str]) -> str:
    """json.dumps(dict(sorted(files.items())), ensure_ascii=False, indent=1) at the second level."""
    if not files:
        return "{}"
    quote = json.encoder.encode_basestring  # ensure_ascii=False's own quoting
    return "{\n" + ",\n".join(f"  {quote(rel)}: {quote(sha)}" for rel, sha in sorted(files.items())) + "\n }"


def parse(data: bytes) -> dict | None:
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("format") != FORMAT or not isinstance(body.get("n"), int):
        return None
    for key in ("data", "site"):
        if not isinstance(body.get(key), dict):
            return None
    return body


def link_name(n: int, sha: str) -> str:
    return f"{n}-{sha}.json"


def trusted_comment(n: int, sha: str, version: str) -> str:
    return f"juwu manifest {n} sha256:{sha} data {version}"


def excluded(rel: str) -> bool:
    """The manifest's own files are not listed in it."""
    return rel in (CURRENT, SIGNATURE) or rel.startswith(FOLDER + "/")


def _problem(code: str, file: str, zh: str, en: str, hint_zh: str = "", hint_en: str = "") -> Problem:
    return Problem(code, ERROR, file, zh, en, hint_zh=hint_zh, hint_en=hint_en)


def check_links(links: dict[int, tuple[str, bytes]], current: bytes | None) -> list[Problem]:
    """The chain: links 1..n each present once, each named by its own hash, each pointing at the
    one before (a link that starts afresh must log why in `rewritten`), the newest equal to
    manifest.json. `links`: n → (file name, bytes)."""
    problems: list[Problem] = []
    if current is None:
        return [_problem("manifest-missing", CURRENT, "网站没有 manifest.json", "the site has no manifest.json")]
    body = parse(current)
    if body is None:
        return [_problem("manifest-unreadable", CURRENT, "manifest.json 不是 Juwu 的清单（内容被改动或损坏）",
                         "manifest.json is not a Juwu manifest (altered or damaged)")]
    newest = body["n"]
    for n in range(restart_point(body) or 1, newest + 1):  # links before a logged rewrite may be gone
        if n not in links:
            problems.append(_problem("chain-link-missing", f"{FOLDER}/{n}-*.json",
                                     f"清单链缺少第 {n} 个清单：发布历史被删减",
                                     f"link {n} of the manifest chain is missing: the published history was shortened"))
    for n in sorted(links):
        name, data = links[n]
        rel = f"{FOLDER}/{name}"
        sha, link = sha256(data), parse(data)
        if n < 0:
            problems.append(_problem("chain-link-duplicate", rel, f"{rel} 与另一个清单编号重复：清单链被改写",
                                     f"{rel} repeats another link's number: the chain was rewritten"))
        elif name != link_name(n, sha):
            problems.append(_problem("chain-link-altered", rel, f"{rel} 的内容与文件名中的哈希不符：这个旧清单被改过",
                                     f"{rel} does not hash to the name it carries: this old manifest was altered"))
        elif link is None or link["n"] != n:
            problems.append(_problem("chain-link-unreadable", rel, f"{rel} 不是第 {n} 个清单",
                                     f"{rel} is not manifest number {n}"))
        elif (n - 1 in links and link.get("previous") != sha256(links[n - 1][1])
              and not _restarted(link, n)):
            problems.append(_problem("chain-broken", rel, f"{rel} 没有指向第 {n - 1} 个清单：清单链被改写",
                                     f"{rel} does not point at manifest {n - 1}: the chain was rewritten"))
    if newest in links and links[newest][1] != current:
        problems.append(_problem("manifest-not-newest-link", CURRENT,
                                 f"manifest.json 与 {FOLDER}/ 中第 {newest} 个清单不同",
                                 f"manifest.json differs from link {newest} in {FOLDER}/"))
    return problems


def restart_point(body: dict) -> int:
    """The number of the newest manifest made by `juwu build --rewrite-history` (0: none)."""
    return max((r["n"] for r in body.get("rewritten") or [] if isinstance(r, dict) and isinstance(r.get("n"), int)),
               default=0)


def rewrites(body: dict) -> list[tuple[int, str]]:
    """(manifest number, reason) of every logged rewrite of the published history."""
    return [(r["n"], str(r.get("reason"))) for r in body.get("rewritten") or []
            if isinstance(r, dict) and isinstance(r.get("n"), int)]


def _restarted(link: dict, n: int) -> bool:
    """A link where the operator rewrote history on purpose (logged) may point anywhere."""
    return any(isinstance(r, dict) and r.get("n") == n for r in link.get("rewritten") or [])


def check_files(body: dict, actual: dict[str, str]) -> list[Problem]:
    """Every published file against the manifest: changed, missing, or not listed."""
    listed: dict[str, str] = body["site"]
    problems = []
    for rel in sorted(set(listed) | set(actual)):
        if rel not in actual:
            problems.append(_problem("file-missing", rel, f"{rel} 在清单中，但网站上没有这个文件",
                                     f"{rel} is listed in the manifest but missing from the site"))
        elif rel not in listed:
            problems.append(_problem("file-not-listed", rel, f"{rel} 不在清单中：是后来加进网站的",
                                     f"{rel} is not in the manifest: it was added to the site afterwards"))
        elif listed[rel] != actual[rel]:
            problems.append(_problem("file-altered", rel, f"{rel} 的内容与清单中的 SHA-256 不符：发布后被改动过",
                                     f"{rel} does not match its SHA-256 in the manifest: changed after publishing",
                                     "重新运行 juwu build 发布，并查明是谁改动了网站文件",
                                     "republish with juwu build and find out who changed the site's files"))
    return problems


def check_signature(current: bytes, signature: str | None, public: keys.PublicKey | None,
                    body: dict) -> list[Problem]:
    """The newest manifest's signature, when a public key is given or the manifest says it was signed."""
    if public is None:
        if body.get("signed_by") and signature is None:
            return [_problem("signature-missing", SIGNATURE, "清单写明已签名，但签名文件不见了",
                             "the manifest says it was signed, but its signature is gone")]
        return []
    if signature is None:
        return [_problem("signature-missing", SIGNATURE, "没有清单的签名文件 manifest.json.minisig",
                         "the manifest's signature manifest.json.minisig is missing")]
    if keys.verify(public, current, signature) is None:
        return [_problem("signature-bad", SIGNATURE, "清单的签名不对：清单被改过，或签名是伪造的，或不是用这把公钥签的",
                         "the manifest's signature does not verify: the manifest was altered, the signature forged, "
                         "or it was made with another key")]
    return []


# --- I/O: the build's side -----------------------------------------------------------------------

@dataclass
class Chain:
    """What a build extends: read and checked before anything is written."""

    n: int  # the new manifest's number
    previous: str | None  # sha256 of the manifest it extends
    rewritten: list[dict] = field(default_factory=list)
    held: Path | None = None  # the site's manifests/, linked aside while the site is replaced
    listed: dict[str, str] | None = None  # the previous manifest's files, when they are the site's (carried)


def check_chain(site: Path, cache: Path, rewrite: str | None) -> Chain:
    """Read the site's chain and compare it with the one recorded in the build cache. Refuses
    (JuwuError) a chain that does not match, unless `rewrite` gives the operator's reason."""
    recorded = _read_record(cache)
    current = _read(site / CURRENT)
    current_sha = sha256(current) if current is not None else None
    links = _links(site)
    body = None
    if recorded is not None and current_sha == recorded["sha"]:
        body = _listing(cache, current_sha)  # the last build's own record of it: no 69 MB of JSON to parse
    if body is None and current is not None:
        body = parse(current)
    if recorded is not None:
        ok = current is not None and current_sha == recorded["sha"] and _names(links) == recorded["links"]
    elif current is not None:  # no record (a lost cache, a new build machine): the chain must hold by itself
        ok = not check_links({n: (name, _read(site / FOLDER / name) or b"") for n, name in links.items()}, current)
    else:
        ok = not links
    rewritten = list(body.get("rewritten") or []) if body else []
    n = (body["n"] if body else (recorded["n"] if recorded else 0)) + 1
    if not ok and rewrite is None:
        raise JuwuError(
            "网站上的清单链与上次发布时记录的不一致（manifest.json 或 manifests/ 被改动、删减或替换），拒绝继续发布。"
            "请先查明原因；确实需要改写发布历史时，运行 juwu build --rewrite-history \"原因\"（原因会写进清单）。",
            "the site's manifest chain does not match the one recorded at the last publication (manifest.json or "
            "manifests/ was changed, shortened or replaced); refusing to publish. Find out why; if history truly "
            "must be rewritten, run juwu build --rewrite-history \"REASON\" (the reason goes into the manifest).", code="manifest-chain")
    listed = body["site"] if body and recorded is not None and ok and rewrite is None and not _pending(cache) else None
    _write(cache / PENDING, b"")  # until this build's manifest is written, the site may differ from the last one
    if rewrite is not None:
        rewritten.append({"n": n, "reason": rewrite, "expected": recorded["sha"] if recorded else None,
                          "found": current_sha})
    return Chain(n, current_sha, rewritten, _hold(site, cache), listed)


def publish(site: Path, cache: Path, chain: Chain, data: Path, data_files: dict[str, str], version: str,
            secret: keys.SecretKey | None, touched: list[str] | None = None) -> str:
    """After the site went live: put the chain back, write pubkey.txt, hash the site, write the new
    manifest (and its signature) atomically, record the chain in the cache. Returns its sha256.
    `touched`: after a republish, the only files it wrote or removed (None: a full build)."""
    _restore(chain.held, site / FOLDER)
    _write(site / PUBKEY, (keys.public_text(secret.public) if secret else NO_KEY_TEXT).encode("utf-8"))
    if touched is not None and chain.listed is not None:
        files = carried(site, chain.listed, touched + [PUBKEY])
    else:
        files = hash_tree(site, cache / "manifest-stat.pickle")
    key_id = secret.public.id_hex if secret else None
    body = make(chain.n, chain.previous, data_files, files, data_commit(data), version, chain.rewritten, key_id)
    sha = sha256(body)
    name = link_name(chain.n, sha)
    _write(site / FOLDER / name, body)
    if secret is not None:
        signature = keys.sign(secret, body, trusted_comment(chain.n, sha, version)).encode("utf-8")
        _write(site / FOLDER / (name + ".minisig"), signature)
        _write(site / SIGNATURE, signature)
    else:
        (site / SIGNATURE).unlink(missing_ok=True)
    _write(site / CURRENT, body)
    del body  # 69 MB at 5,000 communities, not held while the listing is written
    links = _links(site)
    _write_pickled(cache / LISTING, {"sha": sha, "n": chain.n, "rewritten": chain.rewritten, "site": files})
    _write(cache / "manifest-chain.json", json.dumps({"n": chain.n, "sha": sha, "links": _names(links)}).encode())
    (cache / PENDING).unlink(missing_ok=True)
    return sha


def carried(site: Path, listed: dict[str, str], touched: list[str]) -> dict[str, str]:
    """The site's files after a republish without walking it: the previous manifest's list (the
    site as it was published, the chain checked), with only the files this republish wrote or
    removed hashed again. A full walk (hash_tree) gives the same list."""
    files = dict(listed)
    for rel in set(touched):
        if excluded(rel):
            continue
        path = site / rel
        if path.is_file() and not path.is_symlink():
            files[rel] = _file_sha(str(path))
        else:
            files.pop(rel, None)
    return files


def _listing(cache: Path, sha: str) -> dict | None:
    """What check_chain needs of the manifest whose sha256 is `sha` (its number, logged rewrites
    and site files), as the build that wrote it kept them; None when the cache has no such record."""
    kept = _pickled_dict(cache / LISTING)
    return kept if kept.get("sha") == sha and isinstance(kept.get("site"), dict) else None


def _pending(cache: Path) -> bool:
    """A build began after the last manifest was written and did not write its own: it may have
    changed the site (killed while going live), so the previous manifest no longer describes it."""
    return (cache / PENDING).exists()


def data_commit(data: Path) -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=data, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def hash_tree(root: Path, stat_cache: Path | None = None) -> dict[str, str]:
    """rel → sha256 of every file under root but the manifest's own; a file whose inode, size,
    mtime and ctime are as last time (and not changed around then) is not read again. The others
    (a full build's every file, 440,000 at 5,000 communities) are read and hashed by a thread per
    core: hashlib and the reads let go of the GIL."""
    known = _pickled_dict(stat_cache)
    racy = known.pop("", (0,))[0] - RACY_NS
    seen: dict = {"": (time.time_ns(),)}
    found: dict[str, str] = {}
    unread: list[tuple[str, str, bytes]] = []  # (rel, path, stat key) of the files to read
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        base = Path(folder).relative_to(root).as_posix()
        for name in sorted(names):
            rel = name if base == "." else f"{base}/{name}"
            if excluded(rel):
                continue
            path = os.path.join(folder, name)
            st = os.lstat(path)
            key = _STAT.pack(st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
            old = known.pop(rel, None)  # let go as it is replaced: two maps of 440,000 files cost ~250 MB
            if isinstance(old, bytes) and old.startswith(key) and len(old) == _STAT.size + 32 and st.st_ctime_ns < racy:
                found[rel], seen[rel] = old[_STAT.size:].hex(), old
            else:
                found[rel] = ""  # in the walk's order, whichever thread hashes it
                unread.append((rel, path, key))
    # Hashed after the walk, not beside it: the walk holds the GIL more than it lets it go (measured:
    # 10.1 s beside it, 7.5 s after it, 10.0 s in one thread, for a site of 440,000 files).
    batches = [unread[i:i + 512] for i in range(0, len(unread), 512)]
    with ThreadPoolExecutor(cores.workers()) as pool:
        for batch, shas in zip(batches, pool.map(_file_shas, batches)):
            for (rel, _, key), sha in zip(batch, shas):
                found[rel], seen[rel] = sha, key + bytes.fromhex(sha)
    if stat_cache is not None:
        _write_pickled(stat_cache, seen)
    return found


def _file_shas(files: list[tuple[str, str, bytes]]) -> list[str]:
    return [_file_sha(path) for _, path, _ in files]


# A file's inode, size, mtime and ctime, then its sha256, as one bytes object in the stat cache: a
# tuple of ints and a hex string was ~560 bytes a file (~250 MB at 440,000), this is ~100.
_STAT = struct.Struct("<QQqq")


def _pickled_dict(path: Path | None) -> dict:
    """A dict pickled in the build cache (a stat cache, the manifest listing); {} when missing or unreadable."""
    if path is None:
        return {}
    try:
        with path.open("rb") as f:
            value = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _file_sha(path: str) -> str:
    """One read for a file under a MiB (nearly every file of a site): a buffered reader's two
    reads and their Python calls were a third of hashing a site of small files. A read of a
    regular file returns all it asks for but at the file's end, so a short read is the end."""
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, _BLOCK)
        h = hashlib.sha256(data)
        while len(data) == _BLOCK:
            data = os.read(fd, _BLOCK)
            h.update(data)
        return h.hexdigest()
    finally:
        os.close(fd)


_BLOCK = 1 << 20


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _links(site: Path) -> dict[int, str]:
    """n → file name of every link in the site's manifests/ (a number twice: both kept apart)."""
    found: dict[int, str] = {}
    folder = site / FOLDER
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            match = LINK_RE.match(path.name)
            if match:
                n = int(match.group(1))
                found[n if n not in found else -len(found) - 1] = path.name
    return found


def _names(links: dict[int, str]) -> list[str]:
    return [links[n] for n in sorted(links)]


def _read_record(cache: Path) -> dict | None:
    data = _read(cache / "manifest-chain.json")
    try:
        return json.loads(data) if data else None
    except ValueError:
        return None


def _hold(site: Path, cache: Path) -> Path | None:
    """Link the site's manifests/ aside: a full build replaces the whole site tree."""
    folder = site / FOLDER
    if not folder.is_dir():
        return None
    held = cache / "manifests-held"
    shutil.rmtree(held, ignore_errors=True)
    held.mkdir(parents=True)
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.is_symlink():
            try:
                os.link(path, held / path.name)
            except OSError:
                shutil.copy2(path, held / path.name)
    return held


def _restore(held: Path | None, folder: Path) -> None:
    if held is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(held.iterdir()):
        if not (folder / path.name).exists():
            os.replace(path, folder / path.name)
    shutil.rmtree(held, ignore_errors=True)


def _write(path: Path, data: bytes) -> None:
    """Atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _write_pickled(path: Path, value) -> None:
    """_write of a pickle, streamed to the file rather than built in memory first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with temporary.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


# --- I/O: juwu verify ----------------------------------------------------------------------------

def verify_site(site: Path, public: keys.PublicKey | None) -> list[Problem]:
    """Everything `juwu verify` checks: each file against the manifest, the chain of manifests,
    the signature. An empty list: the site is what was published."""
    current = _read(site / CURRENT)
    links = {n: (name, _read(site / FOLDER / name) or b"") for n, name in _links(site).items()}
    problems = check_links(links, current)
    body = parse(current) if current is not None else None
    if body is None:
        return problems
    signature = _read(site / SIGNATURE)
    problems += check_signature(current, signature.decode("utf-8", "replace") if signature else None, public, body)
    problems += check_files(body, hash_tree(site))
    return problems

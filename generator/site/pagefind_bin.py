"""The Pagefind binary: version 1.6.0, from npm, pinned by the tarball's integrity.

Why 1.6.0 and why npm (measured in bench/README.md): Pagefind 1.5 cut Chinese with one segmenter
when indexing and the browser's Intl.Segmenter when searching, so a word cut differently at the
two ends was never found (楼道灯, 保洁, 误餐: 0 results; Pagefind issue #1237). 1.6.0 cuts both
ends with ICU4X. Its PyPI wheels stop at 1.5.2; npm's @pagefind/<platform> packages ship the
extended binary (the one that segments Chinese).

`make install` (and so `make serve` / `make test`) runs `python -m generator.site.pagefind_bin
install`: `npm pack` fetches the exact version, its sha512 must match the pin below, and the binary
goes into the virtual environment (<sys.prefix>/pagefind/<version>/), like a Python package.
JUWU_PAGEFIND names another binary (it must still be 1.6.0).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from generator.problems import JuwuError

VERSION = "1.6.0"
NAME = "pagefind_extended"
# npm's dist.integrity of @pagefind/<platform>@VERSION (`npm view @pagefind/linux-x64@1.6.0 dist.integrity`)
INTEGRITY = {
    "linux-x64": "sha512-IbMSx/+Vr/Xk0TTBlLkjgK+rvnbOXGmmb2/MKxQu99AR5DsqQoV3NKEA9PQz2tAhuCZjeD5xJBp4w5N5DHIC7Q==",
    "linux-arm64": "sha512-SLB2I+XqCZma8NvIGIH8nyKblgKIxw5PmqsVtofWOKxNHhEtOEsddbqU+hsrNcT3EV0faM6UmKDHVIxcPYq29w==",
    "darwin-arm64": "sha512-611gl64aqN12UcMyKPtZ8+vRWBKlJFSh2JgO8uScxa1Eyjo1dXz9r4wZuRno0yCUE/KN0FauEoKZ3KEwUYHCCg==",
    "darwin-x64": "sha512-rd3ZbtuxyYqjASKZAPuIV7eeQQHJ7VYpoNKKG8CvglaD3g30eT5Nb7XGNLYwVReBsCccpkURwrGwWjSwr8nyQQ==",
}
INSTALL_HINT = "make install（或 python -m generator.site.pagefind_bin install）"


def platform_name() -> str:
    system = {"Linux": "linux", "Darwin": "darwin"}.get(platform.system(), platform.system().lower())
    machine = {"x86_64": "x64", "AMD64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine(), platform.machine())
    return f"{system}-{machine}"


def location(prefix: Path | None = None) -> Path:
    """Where `install` puts the binary: inside the virtual environment."""
    return Path(prefix or sys.prefix) / "pagefind" / VERSION / NAME


def executable() -> Path:
    """The installed binary, or a problem saying how to install it."""
    chosen = os.environ.get("JUWU_PAGEFIND")
    path = Path(chosen) if chosen else location()
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise JuwuError(
            f"找不到搜索索引程序 Pagefind {VERSION}（{path}），无法生成搜索。请运行 {INSTALL_HINT}，它用 npm 下载并校验。",
            f"Pagefind {VERSION} is not installed at {path}; cannot build the search index. "
            f"Run `make install` (or `python -m generator.site.pagefind_bin install`), which fetches it with npm "
            "and checks its integrity.", code="pagefind-missing")
    return path


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def unpack(tarball: bytes, expected: str, target: Path) -> Path:
    """Check the npm tarball against its pinned integrity and write its binary to target."""
    if integrity_of(tarball) != expected:
        raise JuwuError("下载的 Pagefind 与固定的校验值不符，已拒绝安装。请检查网络或 npm 镜像。",
                        "The downloaded Pagefind does not match its pinned integrity; refused. "
                        "Check the network or the npm registry mirror.", code="pagefind-integrity")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(f"package/bin/{NAME}")
        binary = member.read() if member else b""
    if not binary:
        raise JuwuError(f"Pagefind 安装包中没有 {NAME}", f"the Pagefind package has no {NAME}", code="pagefind-integrity")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.replace(target)
    return target


def install(prefix: Path | None = None) -> Path:
    """Fetch @pagefind/<platform>@VERSION with npm pack; nothing to do when it is there."""
    target = location(prefix)
    if target.is_file():
        return target
    name = platform_name()
    if name not in INTEGRITY:
        raise JuwuError(f"Pagefind {VERSION} 没有适用于 {name} 的固定版本；可用 JUWU_PAGEFIND 指定自行安装的程序。",
                        f"no pinned Pagefind {VERSION} for {name}; set JUWU_PAGEFIND to a binary you installed", code="pagefind-platform")
    npm = shutil.which("npm")
    if npm is None:
        raise JuwuError("需要 npm 来安装搜索索引程序 Pagefind（例如 apt-get install npm）。",
                        "npm is needed to install Pagefind, the search indexer (e.g. apt-get install npm)", code="npm-missing")
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run([npm, "pack", f"@pagefind/{name}@{VERSION}", "--pack-destination", folder,
                               "--silent"], cwd=folder, capture_output=True, text=True)
        tarballs = sorted(Path(folder).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise JuwuError(f"npm 下载 Pagefind 失败：{done.stderr[-300:]}",
                            f"npm could not fetch Pagefind: {done.stderr[-300:]}", code="pagefind-download")
        return unpack(tarballs[0].read_bytes(), INTEGRITY[name], target)


if __name__ == "__main__":  # python -m generator.site.pagefind_bin install
    if sys.argv[1:] != ["install"]:
        sys.exit("usage: python -m generator.site.pagefind_bin install")
    try:
        print(install())
    except JuwuError as error:
        sys.exit(f"{error.zh}\n{error.en}")

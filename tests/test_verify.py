"""`juwu verify`: a tampered page, a tampered manifest, a removed link of the chain and a forged
signature are each detected, named, and exit 1; the site as published exits 0."""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import keys
from generator.build import build
from generator.config import BuildPaths
from generator.manifest import CURRENT, FOLDER, SIGNATURE, sha256
from tests.conftest import DATA, community_with_committee


def juwu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The demo city published twice with a key (a chain of two manifests): site, public key, secret key."""
    root = tmp_path_factory.mktemp("signed")
    secret_path, public_path = keys.init_keys(root / "keys", [DATA])
    secret = keys.load_secret(secret_path, [DATA])
    site = root / "live" / "site"
    for full in (True, False):
        assert build(BuildPaths.for_data(DATA, site), full=full, signing_key=secret).built
    return site, public_path, secret_path


@pytest.fixture
def site(signed, tmp_path) -> Path:
    """A private copy of the signed site, to tamper with."""
    copy = tmp_path / "site"
    shutil.copytree(signed[0], copy)
    return copy


def verify(site: Path, pubkey: Path | None) -> subprocess.CompletedProcess:
    return juwu("verify", str(site), *(["--pubkey", str(pubkey)] if pubkey else []))


def test_the_published_site_verifies(site, signed):
    result = verify(site, signed[1])
    assert result.returncode == 0, result.stderr
    assert "核验通过" in result.stderr and "签名有效" in result.stderr
    assert len(list((site / FOLDER).glob("*.json"))) == 2


def test_a_tampered_page_is_named(site, signed):
    page = site / "c" / community_with_committee() / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>改过</p></body>"), encoding="utf-8")
    result = verify(site, signed[1])
    assert result.returncode == 1
    assert f"c/{community_with_committee()}/index.html: " in result.stderr
    assert "发布后被改动过" in result.stderr and "核验未通过" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_page_added_or_removed_is_named(site, signed):
    (site / "downloads" / "extra.csv").write_text("x\n", encoding="utf-8")
    (site / "feed.xml").unlink()
    result = juwu("verify", str(site), "--pubkey", str(signed[1]), "--lang", "en")
    assert result.returncode == 1
    assert "downloads/extra.csv: downloads/extra.csv is not in the manifest" in result.stderr
    assert "feed.xml: feed.xml is listed in the manifest but missing" in result.stderr


def test_a_tampered_manifest_is_detected_even_when_the_chain_is_redone(site, signed):
    """Change a page and its hash in the manifest, and rename the newest link to match: only the
    signature can tell, and it does."""
    page = site / "index.html"
    page.write_bytes(page.read_bytes() + b"<!-- x -->")
    body = (site / CURRENT).read_bytes()
    old = sha256((site / "index.html").read_bytes()[:-len(b"<!-- x -->")])
    forged = body.replace(old.encode(), sha256(page.read_bytes()).encode())
    assert forged != body
    newest = max((site / FOLDER).glob("2-*.json"))
    newest.unlink()
    (site / FOLDER / f"2-{sha256(forged)}.json").write_bytes(forged)
    (site / CURRENT).write_bytes(forged)
    result = verify(site, signed[1])
    assert result.returncode == 1
    assert "manifest.json.minisig: 清单的签名不对" in result.stderr
    assert "index.html" not in result.stderr.replace("manifest.json", "")  # the page now matches the forged list


def test_an_edited_manifest_alone_differs_from_its_link(site, signed):
    current = site / CURRENT
    current.write_bytes(current.read_bytes().replace(b'"n": 2', b'"n": 2 ', 1))
    result = verify(site, None)
    assert result.returncode == 1
    assert "manifest.json 与 manifests/ 中第 2 个清单不同" in result.stderr


def test_a_removed_link_of_the_chain_is_detected(site, signed):
    first = next((site / FOLDER).glob("1-*.json"))
    first.unlink()
    result = verify(site, signed[1])
    assert result.returncode == 1
    assert "清单链缺少第 1 个清单" in result.stderr


def test_an_altered_old_link_is_detected(site, signed):
    first = next((site / FOLDER).glob("1-*.json"))
    first.write_bytes(first.read_bytes().replace(b'"n": 1', b'"n": 1 ', 1))
    result = verify(site, signed[1])
    assert result.returncode == 1
    assert f"{FOLDER}/{first.name}: " in result.stderr and "这个旧清单被改过" in result.stderr


def test_a_forged_signature_is_detected(site, signed, tmp_path):
    """Signed with another key, and with the real key's id copied over random bytes: both refused."""
    other = keys.generate()
    body = (site / CURRENT).read_bytes()
    (site / SIGNATURE).write_text(keys.sign(other, body, "juwu manifest 2"), encoding="utf-8")
    assert verify(site, signed[1]).returncode == 1
    real = (site / FOLDER / (next((site / FOLDER).glob("2-*.json")).name + ".minisig")).read_text().splitlines()
    blob = base64.b64decode(real[1])
    real[1] = base64.b64encode(blob[:10] + bytes(64)).decode()
    (site / SIGNATURE).write_text("\n".join(real) + "\n", encoding="utf-8")
    result = verify(site, signed[1])
    assert result.returncode == 1
    assert "清单的签名不对" in result.stderr


def test_a_removed_signature_is_detected_with_or_without_the_key(site, signed):
    (site / SIGNATURE).unlink()
    assert "没有清单的签名文件" in verify(site, signed[1]).stderr
    (site / "pubkey.txt").unlink()
    result = verify(site, None)
    assert result.returncode == 1
    assert "清单写明已签名，但签名文件不见了" in result.stderr


def test_minisign_itself_verifies_the_manifest(signed):
    """The documented command works with the standard tool."""
    minisign = shutil.which("minisign")
    if minisign is None:
        import os

        if os.environ.get("CI") == "true":
            pytest.fail("minisign not found: install Debian's minisign (make system-deps)")
        pytest.skip("minisign not installed (make system-deps)")
    site, public, _ = signed
    ok = subprocess.run([minisign, "-Vm", str(site / CURRENT), "-x", str(site / SIGNATURE), "-p", str(public)],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "juwu manifest 2 sha256:" in ok.stdout + ok.stderr
    copy = site.parent / "tampered.json"
    copy.write_bytes((site / CURRENT).read_bytes() + b" ")
    bad = subprocess.run([minisign, "-Vm", str(copy), "-x", str(site / SIGNATURE), "-p", str(public)],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0


def test_every_sheet_of_a_community_not_checked_again_keeps_its_code():
    """A republish puts an unchanged community's cached summary in the city (buildcache.summary);
    /verify/ lists its sheets from that summary, so each must carry the code a full build gives."""
    import dataclasses

    from generator import buildcache
    from generator.gather import validate_city
    from generator.print.community import community_sheets
    from tests.conftest import DATA

    validation = validate_city(DATA)
    city = validation.city
    city.source_hashes = validation.hashes
    for c in city.communities:
        full = [(s.path, s.code) for s in community_sheets(city, c)]
        summarised = [(s.path, s.code) for s in community_sheets(city, dataclasses.replace(buildcache.summary(c)))]
        assert summarised == full, c.code

"""Check an upload with exactly the engine `juwu validate` uses, before anything is written.

The check runs on an overlay: a temporary data folder holding the city-level files, this
community's folder as last committed (what is published, never an uncommitted file left in the
working tree), and the upload in place. City-wide tables and their cross-file
checks still run, a new ledger still meets the previous period's closing balance, and the cost
does not grow with the number of communities in the city.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator import layout
from generator.gather import validate_city
from generator.intake import gitrepo
from generator.intake.uploads import Candidate
from generator.model import Community
from generator.problems import ERROR, Problem


class OutsideCommunity(ValueError):
    """A path that would leave the community's own folder: a bug or an attack, never written."""


@dataclass
class Check:
    community: str
    problems: list[Problem] = field(default_factory=list)  # this community's, sorted
    city_errors: list[Problem] = field(default_factory=list)  # errors in the shared files
    model: Community | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR] + self.city_errors

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors


def inside(community: str, rel: str) -> str:
    """REL if it names a file inside communities/<community>/, else OutsideCommunity."""
    parts = rel.split("/")
    if (len(parts) < 3 or parts[:2] != ["communities", community] or any(p in ("", ".", "..") for p in parts)
            or "\\" in rel or "\0" in rel):
        raise OutsideCommunity(rel)
    return rel


def existing_files(data: Path, community: str) -> set[str]:
    """The community's files as last committed (paths relative to DATA)."""
    top = gitrepo.toplevel(data)
    prefix = gitrepo.prefix_of(data, top)
    found = gitrepo.files_under(top, "HEAD", [f"{prefix}communities/{community}"])
    return {p[len(prefix):] for p in found}


def file_hashes(data: Path, paths: list[str]) -> dict[str, str | None]:
    """The committed blob id of each path (None when absent): what an upload was checked against."""
    top = gitrepo.toplevel(data)
    prefix = gitrepo.prefix_of(data, top)
    found = gitrepo.blobs(top, "HEAD", [prefix + rel for rel in paths])
    return {rel: found[prefix + rel] for rel in paths}


def check(data: Path, community: str, candidate: Candidate | None, scratch: Path) -> Check:
    """Validate the community as it would be with the candidate applied (or as it is now)."""
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="overlay-") as tmp:
        overlay = Path(tmp) / "data"
        build_overlay(data, community, overlay)
        if candidate is not None:
            apply(overlay, candidate)
        validation = validate_city(overlay)
    return _ours(community, validation)


def build_overlay(data: Path, community: str, overlay: Path) -> None:
    """The committed city files and the community's committed folder, as regular files under OVERLAY."""
    overlay.mkdir(parents=True)
    (overlay / "communities").mkdir()
    top = gitrepo.toplevel(data)
    prefix = gitrepo.prefix_of(data, top)
    paths = gitrepo.files_under(top, "HEAD", [prefix + name for name in layout.CITY_FILES]
                                + [f"{prefix}communities/{community}"])
    if not paths:
        return
    archive = gitrepo.run(top, "archive", "--format=tar", "HEAD", "--", *paths)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar:
            if not member.isfile() or not member.name.startswith(prefix):
                continue  # symlinks and the like are never followed
            rel = member.name[len(prefix):]
            if rel not in layout.CITY_FILES:
                inside(community, rel)
            target = overlay / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(member).read())


def apply(root: Path, candidate: Candidate) -> None:
    """Place a candidate's files under ROOT; every path is checked to stay in its community."""
    for rel in candidate.removes:
        (root / inside(candidate.community, rel)).unlink(missing_ok=True)
    for rel, content in candidate.writes.items():
        target = root / inside(candidate.community, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _ours(community: str, validation) -> Check:
    prefix = f"communities/{community}"
    result = Check(community)
    for p in validation.problems.sorted():
        if p.community == community or p.file == prefix or p.file.startswith(prefix + "/"):
            result.problems.append(p)
        elif p.community is None and not p.file.startswith("communities/") and p.severity == ERROR:
            result.city_errors.append(p)
    if validation.city is not None:
        result.model = next((c for c in validation.city.communities if c.code == community), None)
    return result

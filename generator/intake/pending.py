"""Uploads waiting for the clerk's confirmation: on disk under a random id, bound to a session,
forgotten after a while. Nothing here is inside data/."""

from __future__ import annotations

import json
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from generator.intake.uploads import Candidate

ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


@dataclass
class Pending:
    id: str
    username: str
    candidate: Candidate
    base: dict[str, str | None]  # sha256 of each touched path when the upload was checked
    created: float


class PendingStore:
    def __init__(self, root: Path, ttl: int, clock=time.time):
        self.root, self.ttl, self.clock = root, ttl, clock

    def save(self, username: str, candidate: Candidate, base: dict[str, str | None]) -> str:
        self.sweep()
        upload_id = secrets.token_urlsafe(18)
        folder = self.root / upload_id
        (folder / "files").mkdir(parents=True)
        names = {}
        for n, (rel, content) in enumerate(sorted(candidate.writes.items())):
            (folder / "files" / str(n)).write_bytes(content)
            names[rel] = str(n)
        meta = {"username": username, "community": candidate.community, "kind": candidate.kind,
                "what": candidate.what, "period": candidate.period, "amendment": candidate.amendment,
                "writes": names, "removes": candidate.removes, "base": base, "created": self.clock()}
        (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return upload_id

    def load(self, upload_id: str, username: str) -> Pending | None:
        """The pending upload if it exists, is this user's and has not expired."""
        if not upload_id or not set(upload_id) <= ID_CHARS or len(upload_id) > 64:
            return None
        folder = self.root / upload_id
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta["username"] != username or self.clock() - meta["created"] > self.ttl:
            return None
        candidate = Candidate(meta["kind"], meta["community"], what=meta["what"], period=meta["period"],
                              amendment=meta["amendment"], removes=list(meta["removes"]))
        for rel, name in meta["writes"].items():
            candidate.writes[rel] = (folder / "files" / name).read_bytes()
        return Pending(upload_id, username, candidate, meta["base"], meta["created"])

    def drop(self, upload_id: str) -> None:
        if upload_id and set(upload_id) <= ID_CHARS:
            shutil.rmtree(self.root / upload_id, ignore_errors=True)

    def sweep(self) -> None:
        if not self.root.is_dir():
            return
        now = self.clock()
        for folder in self.root.iterdir():
            meta = folder / "meta.json"
            try:
                stale = now - meta.stat().st_mtime > self.ttl
            except OSError:
                stale = now - folder.stat().st_mtime > self.ttl
            if stale:
                shutil.rmtree(folder, ignore_errors=True)

"""Server-side sessions: the cookie holds only a random id; everything else stays here.

Kept in memory on purpose: a restart signs everyone out, and a stolen cookie dies with the
session (sign-out, idle or absolute expiry), which a signed client-side cookie cannot promise.
Run the service as one process (the default of `juwu intake`).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

COOKIE = "juwu_intake"


@dataclass
class Session:
    id: str
    csrf: str
    created: float
    seen: float
    username: str | None = None  # None until signed in
    credential: str | None = None  # the account's password hash at sign-in: a reset or disable ends the session
    pending: set[str] = field(default_factory=set)  # upload ids waiting for this session's confirmation

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf.encode(), str(token).encode())


class SessionStore:
    def __init__(self, idle: int, absolute: int, capacity: int, clock: Callable[[], float] = time.time):
        self.idle, self.absolute, self.capacity, self.clock = idle, absolute, capacity, clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.seen > self.idle or now - session.created > self.absolute:
                del self._sessions[session_id]
                return None
            session.seen = now
            return session

    def new(self, username: str | None = None, credential: str | None = None) -> Session:
        """A fresh id and CSRF token; signing in always gets a new one (no session fixation)."""
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), now, now, username, credential)
        with self._lock:
            if len(self._sessions) >= self.capacity:
                self._evict(now)
            self._sessions[session.id] = session
        return session

    def end(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def end_user(self, username: str) -> None:
        with self._lock:
            for sid in [s.id for s in self._sessions.values() if s.username == username]:
                del self._sessions[sid]

    def _evict(self, now: float) -> None:
        expired = [s.id for s in self._sessions.values()
                   if now - s.seen > self.idle or now - s.created > self.absolute]
        for sid in expired:
            del self._sessions[sid]
        if len(self._sessions) >= self.capacity:
            # Drop the oldest anonymous sessions first: a flood of visitors cannot sign clerks out.
            anonymous = sorted((s for s in self._sessions.values() if s.username is None), key=lambda s: s.seen)
            for s in anonymous[: max(1, len(self._sessions) - self.capacity + 1)]:
                del self._sessions[s.id]

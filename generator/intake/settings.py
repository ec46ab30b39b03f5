"""Everything the upload service can be told, declared once (command-line options fill it in)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import PROJECT_ROOT
from generator.problems import JuwuError

# Environment variables the operator controls; read only by `from_environment`.
ENV_USERS = "JUWU_INTAKE_USERS"
ENV_STATE = "JUWU_INTAKE_STATE"
ENV_PAUSE_AT = "JUWU_INTAKE_PAUSE_AT"  # tests only: see IntakeSettings.pause_at
DEFAULT_STATE = Path.home() / ".local" / "state" / "juwu-intake"


class SettingsError(JuwuError, ValueError):
    code = "intake-settings"


@dataclass(frozen=True)
class Limits:
    """Sizes and times that bound what one request or one person can cost the server."""

    max_body: int = 12_000_000
    """Bytes in one request body; refused from Content-Length, and again while streaming."""
    max_file: int = 10_000_000
    """Bytes in one uploaded file."""
    max_parts: int = 24
    """Form fields plus files in one request (python-multipart's max_fields)."""
    max_files: int = 2
    body_read_timeout: float = 30.0
    """Seconds to wait for the next chunk of a body before giving up (slow uploads)."""
    session_idle: int = 30 * 60
    """A signed-in session ends after this many idle seconds..."""
    session_absolute: int = 8 * 60 * 60
    """...and after this many seconds in any case."""
    pending_ttl: int = 30 * 60
    """An upload waiting for confirmation is forgotten after this many seconds."""
    max_sessions: int = 5_000
    account_failures: int = 5
    """Wrong passwords for one account within `failure_window` before it is locked for that long."""
    ip_failures: int = 20
    """Wrong passwords from one address within `failure_window` before it is locked."""
    failure_window: int = 15 * 60
    header_timeout: float = 10.0
    """Seconds a connection may take to send a complete request header (slow-header clients)."""
    keep_alive_timeout: int = 5
    """Seconds an idle keep-alive connection stays open between requests."""
    max_header_bytes: int = 16_384
    """Bytes in one request's header (request line and fields)."""
    max_connections: int = 200
    """Open connections; beyond this the server answers 503 at once."""
    upload_wait: float = 60.0
    """Seconds an upload waits for another upload of the same community to finish its check."""


@dataclass(frozen=True)
class IntakeSettings:
    data: Path
    """The city's data folder, inside a git work tree."""
    state: Path
    """The service's own folder: pending uploads, audit log, rebuild status. Never inside data/."""
    users: Path
    """The accounts file (salted scrypt hashes). Never inside data/."""
    site: Path = PROJECT_ROOT / "site"
    """Where the rebuilt site is published."""
    secure_cookies: bool = True
    """Mark the session cookie Secure (the service runs behind TLS); off only for local tests."""
    rebuild: bool = True
    """Queue a site rebuild after every accepted upload."""
    limits: Limits = field(default_factory=Limits)
    allow_placeholder_url: bool = False
    """Let clerks download notice-board PDFs whose QR code points to a placeholder site_url (test cities)."""
    pause_at: str | None = None
    """Tests only (from $JUWU_INTAKE_PAUSE_AT): stop at this named point of a publication or rebuild
    ("journal-written", "committed", "synced", "rebuild-running"), announce it in STATE/paused-at-NAME
    and wait there (at most `pause_seconds`) so a test can kill the process at that exact moment.
    Unset in production, where it does nothing."""
    pause_seconds: float = 120.0

    @property
    def journal(self) -> Path:
        """The publication in progress (see repo.publish); present only between commit and sync."""
        return self.state / "publish-journal.json"

    @property
    def audit_log(self) -> Path:
        return self.state / "audit.log"

    @property
    def pending_dir(self) -> Path:
        return self.state / "pending"

    @property
    def rebuild_log(self) -> Path:
        return self.state / "rebuild.log"

    @property
    def lock_file(self) -> Path:
        return self.state / "git.lock"

    def check(self) -> "IntakeSettings":
        """Refuse a layout that would put secrets or service state into the published data."""
        data = self.data.resolve()
        if not (data / "city.yaml").is_file():
            raise SettingsError(f"{self.data} 不是城市数据文件夹（缺少 city.yaml）",
                                f"{self.data} is not a city data folder (no city.yaml)")
        for what, path in (("users", self.users), ("state", self.state)):
            if path.resolve().is_relative_to(data):
                raise SettingsError(f"{what} 文件不能放在数据文件夹 {self.data} 里（数据会公开）",
                                    f"the {what} path must be outside the data folder {self.data} (data is published)")
        return self


def from_environment(data: Path, users: Path | None = None, state: Path | None = None,
                     site: Path | None = None, **kw) -> IntakeSettings:
    """Options given on the command line win; then JUWU_INTAKE_USERS / JUWU_INTAKE_STATE."""
    state = Path(state or os.environ.get(ENV_STATE) or DEFAULT_STATE)
    users = Path(users or os.environ.get(ENV_USERS) or state / "users.json")
    extra = {"site": Path(site)} if site else {}
    if os.environ.get(ENV_PAUSE_AT):
        extra["pause_at"] = os.environ[ENV_PAUSE_AT]
    return IntakeSettings(data=Path(data), state=state, users=users, **extra, **kw).check()

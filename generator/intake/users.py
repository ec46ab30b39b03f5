"""The accounts file: one JSON document outside data/, written atomically, read on every sign-in.

Each account belongs to one community (a clerk) or to none (an operator, who sees the rebuild
status and nothing of any community's drafts).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from generator.intake.passwords import hash_password, new_password
from generator.problems import JuwuError

CODE_RE = re.compile(r"^[0-9]{12}$")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
OPERATOR = "operator"
CLERK = "clerk"


class UserError(JuwuError, ValueError):
    code = "intake-user"


@dataclass(frozen=True)
class User:
    username: str
    role: str  # CLERK or OPERATOR
    community: str | None
    display_name: str
    password_hash: str
    disabled: bool = False
    """A disabled account cannot sign in and its sessions end (`juwu intake disable-user`)."""

    @property
    def author(self) -> str:
        """Who git records as the author of this account's commits."""
        return f"{self.display_name} <{self.username}@intake.invalid>"


def load_users(path: Path) -> dict[str, User]:
    if not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    known = set(User.__dataclass_fields__) - {"username"}
    return {name: User(username=name, **{k: v for k, v in fields.items() if k in known})
            for name, fields in raw.get("users", {}).items()}


def save_users(path: Path, users: dict[str, User]) -> None:
    """Replace the file in one rename, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"users": {u.username: {k: v for k, v in asdict(u).items() if k != "username"}
                      for u in sorted(users.values(), key=lambda u: u.username)}}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(body, f, ensure_ascii=False, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_user(path: Path, community: str | None, username: str | None = None, display_name: str | None = None,
             reset: bool = False) -> tuple[User, str]:
    """Create (or with `reset`, re-key) an account; returns it and its password, shown once."""
    if community is not None and not CODE_RE.match(community):
        raise UserError("社区代码应为 12 位数字", "the community code must be 12 digits")
    username = (username or community or "").lower()
    if not USERNAME_RE.match(username):
        raise UserError("用户名只能使用小写字母、数字、点、横线，3–40 个字符",
                        "a username is 3-40 lowercase letters, digits, dots or dashes")
    users = load_users(path)
    if username in users and not reset:
        raise UserError(f"用户 {username} 已存在（重设密码请加 --reset）",
                        f"user {username} exists (use --reset to set a new password)")
    if reset and username not in users:
        raise UserError(f"没有用户 {username}，无法重设密码", f"there is no user {username} to reset")
    role = CLERK if community else OPERATOR
    if reset and (users[username].role, users[username].community) != (role, community):
        raise UserError(f"用户 {username} 属于另一个社区或角色，不能这样重设",
                        f"user {username} has another community or role; --reset keeps them")
    # A reset keeps the name git records as the author unless a new one is given; it re-enables.
    name = display_name or (users[username].display_name if reset else None) or (
        f"社区{community}经办人" if community else "运维管理员")
    password = new_password()
    user = User(username, role, community, name, hash_password(password))
    users[username] = user
    save_users(path, users)
    return user, password


def disable_user(path: Path, username: str) -> User:
    """Lock an account out: it cannot sign in, and the service ends its sessions at their next request.
    `add-user --reset` gives it a new password and enables it again."""
    users = load_users(path)
    username = username.lower()
    if username not in users:
        raise UserError(f"没有用户 {username}", f"there is no user {username}")
    user = replace(users[username], disabled=True)
    users[username] = user
    save_users(path, users)
    return user

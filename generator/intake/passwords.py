"""Salted scrypt password hashes (hashlib only) and readable initial passwords."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt cost: ~50 ms and 16 MB per check on a small server, which also slows guessing.
_N, _R, _P, _LEN = 2**14, 8, 1, 32
# Letters and digits a clerk cannot confuse when typing from paper (no 0/O, 1/l/I).
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Constant-time check; an unknown account still costs one scrypt so timing tells nothing."""
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        ok_format = scheme == "scrypt"
        n_i, r_i, p_i = int(n), int(r), int(p)
        salt_b, want = _unb64(salt), _unb64(digest)
    except ValueError:
        ok_format, n_i, r_i, p_i, salt_b, want = False, _N, _R, _P, b"\0" * 16, b"\0" * _LEN
    got = _scrypt(password, salt_b, n_i, r_i, p_i)
    return hmac.compare_digest(got, want) and ok_format


def new_password(groups: int = 4, size: int = 4) -> str:
    """e.g. 'k7Pm-x3Qa-9ZrT-bN4e': about 95 bits, easy to read out and type on a phone."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(size)) for _ in range(groups))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=_LEN,
                          maxmem=64 * 1024 * 1024)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise ValueError("bad base64") from exc

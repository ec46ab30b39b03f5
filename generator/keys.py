"""Ed25519 signing keys and signatures in minisign's format, so anyone can check a manifest with
the standard tool: `minisign -Vm manifest.json -p pubkey.txt`.

The signature is minisign's pre-hashed kind ("ED"): Ed25519 over the BLAKE2b-512 of the file, and a
second signature binding the trusted comment to the first. The secret key is written as minisign's
unencrypted secret key (kdf "\\0\\0"), so `minisign -S -s KEY` can use it too; it is protected by its
file mode and by being kept off the data repository and the site (init_keys refuses those).
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from generator.problems import JuwuError

SECRET_NAME, PUBLIC_NAME = "juwu.key", "juwu.pub"
_PUBLIC_COMMENT = "untrusted comment: minisign public key "
_SECRET_COMMENT = "untrusted comment: minisign secret key (unencrypted, made by juwu keys init)"


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes  # 8 bytes
    key: bytes  # 32 bytes

    @property
    def id_hex(self) -> str:
        """The key id as minisign prints it (the 8 bytes little-endian, upper-case hex)."""
        return self.key_id[::-1].hex().upper()


@dataclass(frozen=True)
class SecretKey:
    key_id: bytes
    seed: bytes  # 32 bytes

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.key_id, bytes(SigningKey(self.seed).verify_key))


def generate() -> SecretKey:
    """A new key; its id is derived from the public key, so the same key always has the same id."""
    signing = SigningKey.generate()
    return SecretKey(key_id_of(bytes(signing.verify_key)), bytes(signing))


def key_id_of(public: bytes) -> bytes:
    return hashlib.blake2b(public, digest_size=8).digest()


def public_text(public: PublicKey) -> str:
    blob = b"Ed" + public.key_id + public.key
    return f"{_PUBLIC_COMMENT}{public.id_hex}\n{base64.b64encode(blob).decode()}\n"


def secret_text(secret: SecretKey) -> str:
    sk = secret.seed + secret.public.key  # libsodium's 64-byte secret key
    checksum = hashlib.blake2b(b"Ed" + secret.key_id + sk, digest_size=32).digest()
    blob = b"Ed" + b"\0\0" + b"B2" + bytes(32) + bytes(8) + bytes(8) + secret.key_id + sk + checksum
    return f"{_SECRET_COMMENT}\n{base64.b64encode(blob).decode()}\n"


def read_public(text: str, name: str = "pubkey.txt") -> PublicKey:
    blob = _payload(text, name, "公钥", "public key")
    if len(blob) != 42 or blob[:2] != b"Ed":
        raise _bad(name, "公钥", "public key")
    return PublicKey(blob[2:10], blob[10:42])


def read_secret(text: str, name: str = "juwu.key") -> SecretKey:
    blob = _payload(text, name, "私钥", "secret key")
    if len(blob) != 158 or blob[:6] != b"Ed\0\0B2":
        raise JuwuError(f"{name} 不是 juwu keys init 生成的未加密 minisign 私钥（加密的私钥请先用 minisign 转换）",
                        f"{name} is not an unencrypted minisign secret key as made by juwu keys init", code="key-invalid")
    key_id, sk, checksum = blob[54:62], blob[62:126], blob[126:158]
    if hashlib.blake2b(b"Ed" + key_id + sk, digest_size=32).digest() != checksum:
        raise _bad(name, "私钥", "secret key")
    return SecretKey(key_id, sk[:32])


def sign(secret: SecretKey, data: bytes, trusted_comment: str) -> str:
    """A .minisig file for `data` (deterministic: Ed25519 signatures are)."""
    if "\n" in trusted_comment or "\r" in trusted_comment:
        raise ValueError("a trusted comment is one line")
    signing = SigningKey(secret.seed)
    signature = signing.sign(hashlib.blake2b(data).digest()).signature
    global_signature = signing.sign(signature + trusted_comment.encode("utf-8")).signature
    return (f"untrusted comment: signature from juwu secret key {secret.public.id_hex}\n"
            f"{base64.b64encode(b'ED' + secret.key_id + signature).decode()}\n"
            f"trusted comment: {trusted_comment}\n{base64.b64encode(global_signature).decode()}\n")


def verify(public: PublicKey, data: bytes, signature_text: str) -> str | None:
    """The trusted comment when the signature is good; None when it is not (forged, for another
    file or another key, or malformed)."""
    lines = signature_text.splitlines()
    if len(lines) < 4 or not lines[2].startswith("trusted comment: "):
        return None
    try:
        blob = base64.b64decode(lines[1], validate=True)
        global_signature = base64.b64decode(lines[3], validate=True)
    except ValueError:
        return None
    if len(blob) != 74 or blob[2:10] != public.key_id or blob[:2] not in (b"ED", b"Ed"):
        return None
    message = hashlib.blake2b(data).digest() if blob[:2] == b"ED" else data
    comment = lines[2][len("trusted comment: "):]
    key = VerifyKey(public.key)
    try:
        key.verify(message, blob[10:])
        key.verify(blob[10:] + comment.encode("utf-8"), global_signature)
    except (BadSignatureError, ValueError):
        return None
    return comment


def init_keys(folder: Path, forbidden: list[Path]) -> tuple[Path, Path]:
    """Write a new key pair into `folder`: the secret key (mode 600, never overwritten) and the
    public key. Refused inside any of `forbidden` (the data repository, the site)."""
    folder = folder.resolve()
    for root in forbidden:
        root = root.resolve()
        if folder == root or root in folder.parents:
            raise JuwuError(f"私钥不能放在 {root} 里面（数据仓库和网站都是公开的），请用 --dir 指定别的文件夹",
                            f"the secret key must not be inside {root} (the data repository and the site are "
                            "public); choose another folder with --dir", code="key-inside-public")
    secret_path, public_path = folder / SECRET_NAME, folder / PUBLIC_NAME
    if secret_path.exists():
        raise JuwuError(f"{secret_path} 已存在，不会覆盖（换密钥会让以前的签名无法用新公钥核验）",
                        f"{secret_path} exists and is not overwritten (a new key cannot check older signatures)", code="key-exists")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = generate()
    fd = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secret_text(secret))
    public_path.write_text(public_text(secret.public), encoding="utf-8")
    return secret_path, public_path


def load_secret(path: Path, forbidden: list[Path]) -> SecretKey:
    """The configured signing key, refused when it lies inside the data repository or the site."""
    resolved = path.resolve()
    for root in forbidden:
        root = root.resolve()
        if root in resolved.parents:
            raise JuwuError(f"签名私钥 {path} 在 {root} 里面，会被公开：请移到别处",
                            f"the signing key {path} is inside {root} and would be published: move it elsewhere", code="key-inside-public")
    try:
        text = resolved.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise JuwuError(f"无法读取签名私钥 {path}：{getattr(exc, 'strerror', None) or exc}",
                        f"cannot read the signing key {path}: {getattr(exc, 'strerror', None) or exc}", code="key-unreadable") from None
    return read_secret(text, str(path))


def _payload(text: str, name: str, zh: str, en: str) -> bytes:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    body = [line for line in lines if not line.startswith("untrusted comment:")]
    try:
        return base64.b64decode(body[0], validate=True) if body else b""
    except ValueError:
        raise _bad(name, zh, en) from None


def _bad(name: str, zh: str, en: str) -> JuwuError:
    return JuwuError(f"{name} 不是有效的 minisign {zh}文件", f"{name} is not a valid minisign {en} file", code="key-invalid")

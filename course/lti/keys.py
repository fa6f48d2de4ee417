"""The tool's RS256 key pair: made once at setup, the private half readable by root only
(``HUB_DIR/secrets/lti_tool_key.pem``, 0600 in a 0700 folder), the public half served as a JSON
Web Key Set at the hub's stable URL (``/hub/lti13/jwks``).

The LMS checks with the public key what the tool signs: deep-linking responses and the client
assertions that ask the LMS's token endpoint for grade and roster access.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from course.errors import LtiConfigError

__all__ = ["ToolKey", "ensure_tool_key", "load_tool_key", "tool_key_path"]

KEY_FILE = "lti_tool_key.pem"
KEY_BITS = 2048


def tool_key_path(hub_dir: Path) -> Path:
    return hub_dir / "secrets" / KEY_FILE


@dataclass(frozen=True)
class ToolKey:
    """The tool's private key and its key id (a thumbprint of the public key)."""

    private_pem: bytes
    kid: str

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(_rsa(self.private_pem).public_key()))
        return {**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """The public key set the LMS fetches (no private part)."""
        return {"keys": [self.public_jwk()]}

    def public_pem(self) -> str:
        key = serialization.load_pem_private_key(self.private_pem, password=None)
        raw = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return raw.decode("ascii")

    def sign(self, claims: dict[str, Any], *, lifetime: int = 300) -> str:
        """An RS256 JWT of ``claims`` with ``iat``, ``exp`` and a fresh ``jti``."""
        now = int(time.time())
        body = {"iat": now, "exp": now + lifetime, "jti": uuid.uuid4().hex, **claims}
        return jwt.encode(body, self.private_pem, algorithm="RS256", headers={"kid": self.kid})


def _rsa(private_pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA key")
    return key


def _kid(private_pem: bytes) -> str:
    jwk = json.loads(RSAAlgorithm.to_jwk(_rsa(private_pem).public_key()))
    # RFC 7638 thumbprint members, in order: stable for the key, so the id never drifts
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
    return sha256(canonical.encode()).hexdigest()[:32]


def load_tool_key(hub_dir: Path) -> ToolKey:
    """The tool's key (root only); one line when it is missing or unreadable."""
    path = tool_key_path(hub_dir)
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        raise LtiConfigError(
            f"{path}: no tool key; run `ankle-course hub setup --lti PLATFORM.json` first"
        ) from None
    except PermissionError:
        raise LtiConfigError(f"{path}: the tool key is readable by root only") from None
    try:
        return ToolKey(pem, _kid(pem))
    except (ValueError, TypeError):
        raise LtiConfigError(f"{path}: not a PEM private key") from None


def ensure_tool_key(hub_dir: Path) -> tuple[ToolKey, bool]:
    """The tool's key, made when absent (root only, 0600); and whether it was made now."""
    path = tool_key_path(hub_dir)
    if path.exists():
        os.chmod(path, 0o600)
        return load_tool_key(hub_dir), False
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return ToolKey(pem, _kid(pem)), True

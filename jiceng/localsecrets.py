"""Secrets for the embedded default: read from the environment, else from ``var/secrets.env``.

A production deployment (``JICENG_ENV=production``) must pass every secret in the environment.
Elsewhere the file is generated once with strong random values and kept (git-ignored), so a
second ``make run`` finds the same keys and can still decrypt what the first one wrote.
"""

import os
import secrets
from pathlib import Path

GENERATED = {
    "JICENG_SECRET_KEY": lambda: secrets.token_urlsafe(50),
    # 32 bytes: the first 16 are the SM4 key, the rest keys the HMAC-SM3 blind index.
    "JICENG_PD_KEY": lambda: secrets.token_hex(32),
}


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
    return values


def ensure_local_secrets(path: Path) -> dict[str, str]:
    """Return the secrets for a non-production run, creating the file on first use."""
    values = read_env_file(path)
    missing = [key for key in GENERATED if key not in values and key not in os.environ]
    if missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        for key in missing:
            values[key] = GENERATED[key]()
        body = "# Generated once by Jiceng for this machine. Keep it: it decrypts var/ data.\n"
        body += "".join(f"{k}={v}\n" for k, v in values.items())
        path.write_text(body, encoding="utf-8")
        path.chmod(0o600)
    return values

"""The editor password of a shared deployment: stored as a salted scrypt hash, checked in constant time.

A deployment shared read-only sets `SPEECHTRACK_EDITOR_PASSWORD_HASH` to the output of
`speechtrack hash-password`; viewers can read and download, and uploading, editing, relabelling
and removing ask for the password. The password itself is never stored.

Example:
    setting = hash_password("correct horse battery staple")
    assert check_password("correct horse battery staple", setting)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from corpus.errors import CorpusError

_SCHEME = "scrypt"
_N, _R, _P = 2**14, 8, 1  # about 16 MB and a few tens of milliseconds per check
_MIN_LENGTH = 8


def hash_password(password: str) -> str:
    """Return the setting value for a password: ``scrypt$N$r$p$salt$hash`` (base64 parts).

    Raises:
        CorpusError: the password is shorter than 8 characters.
    """
    if len(password) < _MIN_LENGTH:
        raise CorpusError(
            f"The editor password needs at least {_MIN_LENGTH} characters; choose a longer one."
        )
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    parts = [_SCHEME, str(_N), str(_R), str(_P), _b64(salt), _b64(digest)]
    return "$".join(parts)


def check_password(password: str, setting: str) -> bool:
    """Return True when `password` matches the stored setting (compared in constant time).

    Raises:
        CorpusError: the setting is not a value written by `hash_password`.
    """
    try:
        scheme, n, r, p, salt, expected = setting.strip().split("$")
        if scheme != _SCHEME:
            raise ValueError(scheme)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt, validate=True),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
            maxmem=128 * 2**20,
        )
        wanted = base64.b64decode(expected, validate=True)
    except (ValueError, TypeError) as err:
        raise CorpusError(
            "SPEECHTRACK_EDITOR_PASSWORD_HASH is not a password hash; set it to the output of "
            "`speechtrack hash-password`."
        ) from err
    return hmac.compare_digest(digest, wanted)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")

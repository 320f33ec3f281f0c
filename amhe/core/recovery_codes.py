"""One-use recovery codes, stored as keyed hashes, never as the codes (issue 15 item 1).

A code is shown once, when it is made (`new_code`), and only its digest is kept
(`core.RecoveryCode`, one row per code, under the account's `core.RecoveryCodeDevice`).

**Why a fast hash.** Password hashers are slow on purpose because people choose guessable
passwords. These codes are not chosen: each is 80 random bits (16 base-32 characters), so
trying guesses is hopeless however fast each try is, and a slow hasher would only slow down
every sign-in (one code typed is compared with up to 10 stored ones, each with its own salt
in Django's hashers; `benchmarks/recovery_code_hash.py` measures it). The digest is an
HMAC-SHA256 keyed by a key derived from `SECRET_KEY` (Django's `salted_hmac`), over the
device's own random salt and the code: a copy of the database alone cannot test a guess (this
covers the shorter 40-bit codes made before this change too), and two devices never share a
digest. `SECRET_KEY_FALLBACKS` are tried as well, so rotating the key the way Django documents
keeps codes working; dropping an old key from the fallbacks ends the codes made under it (each
account then makes new ones on its sign-in security page).

**Constant time.** `find` compares the digest of the code typed with every stored digest of
the device using `hmac.compare_digest`, and does not stop at a match, so how long it takes
does not depend on which code (if any) matched.
"""

from __future__ import annotations

import hmac
import secrets
from base64 import b32encode

from django.conf import settings
from django.utils.crypto import salted_hmac

KEY_SALT = "amhe.core.recovery_codes"
CODE_BYTES = 10  # 80 bits: 16 base-32 characters
GROUP = 4


def new_code() -> str:
    """A fresh random code as shown to its owner: lower-case base 32 in groups of four."""
    code = b32encode(secrets.token_bytes(CODE_BYTES)).decode().lower()
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def new_salt() -> str:
    return secrets.token_hex(16)


def normalise(code: str) -> str:
    """The code as typed, without spaces, hyphens or capitals."""
    return "".join(str(code or "").split()).replace("-", "").lower()


def digest(code: str, *, salt: str, secret: str | bytes | None = None) -> str:
    """The stored form of `code` for a device with `salt` (`secret`: SECRET_KEY unless given)."""
    return salted_hmac(KEY_SALT, f"{salt}:{normalise(code)}", secret=secret, algorithm="sha256").hexdigest()


def find(code: str, *, salt: str, stored) -> object | None:
    """The key of the stored (key, digest) pair `code` matches, or None; every pair is
    compared under every key (see the module's note on constant time)."""
    candidates = [digest(code, salt=salt, secret=key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
    match = None
    for key, stored_digest in stored:
        for candidate in candidates:
            if hmac.compare_digest(stored_digest.encode(), candidate.encode()) and match is None:
                match = key
    return match

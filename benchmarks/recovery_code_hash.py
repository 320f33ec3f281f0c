"""Recovery codes: how long checking one typed code against an account's 10 stored ones
takes with the keyed digest the app uses (amhe/core/recovery_codes.py) and with Django's
password hashers, which a stored code could have used instead.

    .venv/bin/python benchmarks/recovery_code_hash.py            # a few seconds
    .venv/bin/python benchmarks/recovery_code_hash.py --repeats 5

Each way is timed the way a sign-in meets it: a wrong code, so every stored code is tried
(a password hasher has a salt per stored code, so the typed code is hashed once per stored
code; the app's digest is computed once per key and compared with every stored one). Medians
of `--repeats` runs, in one process, after one run to warm up. No database: the digests are
made in memory. Figures go to benchmarks/results/recovery-code-hash-latest.json.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amhe.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import check_password, make_password  # noqa: E402

from amhe.core import recovery_codes  # noqa: E402

STORED = 10
RESULTS = Path(__file__).resolve().parent / "results" / "recovery-code-hash-latest.json"


def _median_seconds(check, repeats: int) -> float:
    check()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        check()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    codes = [recovery_codes.new_code() for _ in range(STORED)]
    wrong = recovery_codes.new_code()
    salt = recovery_codes.new_salt()
    stored = [(i, recovery_codes.digest(code, salt=salt)) for i, code in enumerate(codes)]
    figures = {
        "keyed digest (HMAC-SHA256, the app)": _median_seconds(
            lambda: recovery_codes.find(wrong, salt=salt, stored=stored), args.repeats
        )
    }
    for hasher in ("pbkdf2_sha256", "argon2", "scrypt"):
        try:
            hashed = [make_password(code, hasher=hasher) for code in codes]
        except (ValueError, ImportError):
            continue  # the hasher's library is not installed
        figures[f"Django's {hasher}"] = _median_seconds(
            lambda hashed=hashed: [check_password(wrong, h) for h in hashed], args.repeats
        )
    base = figures["keyed digest (HMAC-SHA256, the app)"]
    for name, seconds in figures.items():
        print(f"{name:40} {seconds * 1000:10.3f} ms per wrong code ({seconds / base:,.0f}x)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps({"stored_codes": STORED, "repeats": args.repeats, "seconds": figures}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()

"""Recovery codes are stored as keyed digests, never as the codes (amhe/core/recovery_codes.py):
what is stored, one use each, every stored digest compared whatever matches, the key's
rotation, and migration 0011 turning django-otp's clear codes into digests."""

import hmac

import pytest
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from amhe.core import recovery_codes, two_factor
from amhe.core.models import RecoveryCode, RecoveryCodeDevice
from tests.factories import UserFactory
from tests.integration.test_data_migrations import latest, migrate


@pytest.mark.django_db
def test_only_a_keyed_digest_of_each_code_is_stored():
    user = UserFactory()
    codes = two_factor.new_recovery_codes(user=user)
    device = RecoveryCodeDevice.objects.get(user=user)
    stored = list(RecoveryCode.objects.filter(device=device).values_list("digest", flat=True))
    assert len(codes) == len(stored) == 10 == len(set(codes))
    assert all(len(recovery_codes.normalise(code)) == 16 for code in codes)  # 80 bits each
    assert sorted(stored) == sorted(recovery_codes.digest(code, salt=device.salt) for code in codes)
    # Nothing stored holds a code, in any spelling, and django-otp's clear table is not used.
    for code in codes:
        for spelling in (code, recovery_codes.normalise(code), code.upper()):
            assert not RecoveryCode.objects.filter(digest__icontains=spelling).exists()
            assert spelling not in device.salt
    assert not StaticToken.objects.exists() and not StaticDevice.objects.exists()
    # The same code under another device (another salt) has another digest.
    assert recovery_codes.digest(codes[0], salt=recovery_codes.new_salt()) != recovery_codes.digest(
        codes[0], salt=device.salt
    )


@pytest.mark.django_db
def test_a_code_works_once_through_django_otp():
    user = UserFactory()
    code = two_factor.new_recovery_codes(user=user)[3]
    device = next(d for d in devices_for_user(user, confirmed=True) if isinstance(d, RecoveryCodeDevice))
    assert device.verify_token(code.upper().replace("-", " "))
    assert two_factor.recovery_codes_left(user) == 9
    device.refresh_from_db()
    assert not device.verify_token(code)  # used: refused
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # and a wrong code makes the device wait
    device.throttle_reset()
    assert not device.verify_token("")
    assert two_factor.recovery_codes_left(user) == 9


def test_every_stored_digest_is_compared_whichever_matches(monkeypatch, settings):
    """No early exit: as many comparisons when the first code matches as when the last or
    none does, so the time taken does not say which (if any) matched."""
    settings.SECRET_KEY_FALLBACKS = ["an-older-key-" + "x" * 40]
    salt = recovery_codes.new_salt()
    codes = [recovery_codes.new_code() for _ in range(10)]
    stored = [(pk, recovery_codes.digest(code, salt=salt)) for pk, code in enumerate(codes, start=100)]
    compared = []
    real = hmac.compare_digest

    def counting(a, b):
        compared.append(1)
        return real(a, b)

    monkeypatch.setattr(recovery_codes.hmac, "compare_digest", counting)
    for typed, expected in ((codes[0], 100), (codes[-1], 109), (recovery_codes.new_code(), None)):
        compared.clear()
        assert recovery_codes.find(typed, salt=salt, stored=stored) == expected
        assert len(compared) == len(stored) * 2  # every digest, under the key and the fallback


def test_codes_keep_working_when_the_key_is_rotated_with_a_fallback(settings):
    salt = recovery_codes.new_salt()
    code = recovery_codes.new_code()
    stored = [(1, recovery_codes.digest(code, salt=salt))]
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert recovery_codes.find(code, salt=salt, stored=stored) == 1
    settings.SECRET_KEY_FALLBACKS = []
    assert recovery_codes.find(code, salt=salt, stored=stored) is None


# --- Migration 0011: clear codes become digests ------------------------------------------------

BEFORE = [("core", "0010_audit_events"), ("otp_static", "0003_add_timestamps")]


@pytest.mark.django_db(transaction=True)
def test_migration_0011_turns_clear_codes_into_digests():
    user = UserFactory()
    other = UserFactory()
    old = migrate(BEFORE)
    OldDevice = old.get_model("otp_static", "StaticDevice")
    OldToken = old.get_model("otp_static", "StaticToken")
    device = OldDevice.objects.create(user_id=user.pk, name="Recovery codes", confirmed=True)
    OldToken.objects.bulk_create(OldToken(device=device, token=t) for t in ("abcd2345", "efgh6723", "ijkl2345"))
    waiting = OldDevice.objects.create(
        user_id=other.pk, name="Recovery codes", confirmed=True, throttling_failure_count=3
    )
    OldToken.objects.create(device=waiting, token="mnop7777")

    migrate(latest())

    assert not StaticToken.objects.exists() and not StaticDevice.objects.exists()
    mine = RecoveryCodeDevice.objects.get(user=user)
    assert mine.confirmed and mine.name == "Recovery codes" and mine.salt
    stored = list(mine.codes.values_list("digest", flat=True))
    assert sorted(stored) == sorted(
        recovery_codes.digest(t, salt=mine.salt) for t in ("abcd2345", "efgh6723", "ijkl2345")
    )
    assert not any("abcd2345" in digest for digest in stored)
    assert RecoveryCodeDevice.objects.get(user=other).throttling_failure_count == 3
    # The codes their owners saved still work, once each.
    assert mine.verify_token("EFGH 6723")
    mine.refresh_from_db()
    assert not mine.verify_token("efgh6723")
    assert two_factor.recovery_codes_left(user) == 2

"""Resident ID numbers and phones: validated, encrypted at rest, masked, revealed only with a reason."""

import datetime
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.urls import reverse

from core import personal, services
from core.choices import Role, Sex
from core.exceptions import NoPermission, OutOfScope
from core.models import AuditEvent, StaffProfile
from tests.factories import id_number, staff

VALID = personal.make_id_number("340302", datetime.date(1985, 3, 9), 123)


def _profile(world, number=VALID, phone="13912345678", user=None, area=None):
    return services.save_staff_profile(actor=None, user=user or world.worker_a, area=area or world.community_a,
                                       full_name="陈静", id_number=number, phone=phone)


def _with_wrong_check_digit(number):
    return number[:-1] + ("0" if number[-1] != "0" else "1")


class TestValidation:
    def test_a_valid_number_passes_and_is_normalised(self):
        assert personal.validate_id_number(VALID.lower()) == VALID

    def test_a_wrong_check_digit_is_refused_with_a_reason(self):
        with pytest.raises(ValidationError) as exc:
            personal.validate_id_number(_with_wrong_check_digit(VALID))
        assert exc.value.code == "checksum"

    def test_an_impossible_birth_date_is_refused(self):
        body = "34030219850230123"  # 30 February
        from stdnum.cn import ric

        with pytest.raises(ValidationError) as exc:
            personal.validate_id_number(body + ric.calc_check_digit(body + "0"))
        assert exc.value.code == "birth_date"

    def test_a_birth_date_in_the_future_is_refused(self):
        future = personal.make_id_number("340302", datetime.date.today() + datetime.timedelta(days=400), 1)
        with pytest.raises(ValidationError) as exc:
            personal.validate_id_number(future)
        assert exc.value.code == "birth_date"

    def test_a_resident_born_before_the_region_code_existed_is_accepted(self):
        # 340302 was assigned in 1983; people born earlier were issued numbers with it later.
        assert personal.validate_id_number(personal.make_id_number("340302", datetime.date(1950, 6, 1), 5))

    def test_an_unknown_region_is_refused(self):
        with pytest.raises(ValidationError) as exc:
            personal.validate_id_number(personal.make_id_number("999999", datetime.date(1985, 3, 9), 1))
        assert exc.value.code == "region"

    @pytest.mark.parametrize("bad", ["", "12345", "34030219850309123A1", "3403021985030912X3"])
    def test_malformed_numbers_are_refused(self, bad):
        with pytest.raises(ValidationError):
            personal.validate_id_number(bad)

    @pytest.mark.parametrize("phone", ["13912345678", "0552-1234567", "05521234567"])
    def test_mobile_and_landline_phones_pass(self, phone):
        assert personal.validate_phone(phone)

    @pytest.mark.parametrize("phone", ["1391234567", "23912345678", "phone", "0552-12"])
    def test_bad_phones_are_refused(self, phone):
        with pytest.raises(ValidationError):
            personal.validate_phone(phone)

    def test_the_model_error_names_the_field(self, world):
        with pytest.raises(ValidationError) as exc:
            _profile(world, number=_with_wrong_check_digit(VALID))
        message = exc.value.message_dict["id_number"][0]
        assert str(StaffProfile._meta.get_field("id_number").verbose_name) in message
        assert not StaffProfile.objects.exists()


class TestDerivedFacts:
    def test_birth_date_sex_and_age_come_from_the_number(self):
        assert personal.birth_date(VALID) == datetime.date(1985, 3, 9)
        assert personal.sex(VALID) == Sex.MALE  # 17th digit 3 is odd
        assert personal.sex(personal.make_id_number("340302", datetime.date(1990, 1, 1), 124)) == Sex.FEMALE
        assert personal.age_on(VALID, datetime.date(2020, 3, 8)) == 34
        assert personal.age_on(VALID, datetime.date(2020, 3, 9)) == 35


@pytest.mark.django_db
class TestStorage:
    def test_stored_encrypted_and_loaded_masked(self, world):
        profile = _profile(world)
        with connection.cursor() as cursor:
            cursor.execute("SELECT id_number, phone FROM core_staffprofile WHERE id = %s", [profile.pk])
            raw_id, raw_phone = cursor.fetchone()
        assert VALID not in raw_id and "13912345678" not in raw_phone
        loaded = StaffProfile.objects.get(pk=profile.pk)
        assert str(loaded.id_number) == VALID[:6] + "********" + VALID[-4:]
        assert f"{loaded.phone}" == "139****5678"
        assert VALID not in repr(loaded.id_number)
        assert loaded.id_number == VALID

    def test_exact_lookup_through_the_blind_index(self, world):
        profile = _profile(world)
        found = StaffProfile.objects.filter(**personal.index_lookup(StaffProfile, "id_number", VALID.lower()))
        assert list(found) == [profile]

    def test_the_same_person_cannot_be_registered_twice(self, world):
        _profile(world)
        other = staff("other", Role.COMMUNITY_WORKER, world.community_a)
        with pytest.raises((ValidationError, IntegrityError)):
            _profile(world, user=other)

    def test_a_wrong_key_fails_loudly_instead_of_returning_ciphertext(self, world, settings):
        profile = _profile(world)
        settings.PORTAL_DATA_KEY = "another-key"
        with pytest.raises(ValueError):
            StaffProfile.objects.get(pk=profile.pk)

    def test_key_rotation_keeps_old_values_readable(self, world, settings):
        profile = _profile(world)
        settings.PORTAL_DATA_KEY = "new-key," + settings.PORTAL_DATA_KEY
        assert StaffProfile.objects.get(pk=profile.pk).id_number == VALID

    def test_values_are_aes_gcm_tokens_that_detect_tampering(self, world):
        token = personal.encrypt(VALID)
        assert token.startswith(personal.TOKEN_PREFIX) and token != personal.encrypt(VALID)  # a fresh nonce each time
        assert personal.decrypt(token) == VALID
        flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
        with pytest.raises(ValueError):
            personal.decrypt(flipped)
        with pytest.raises(ValueError):
            personal.decrypt(personal.TOKEN_PREFIX + "not base64!")

    @pytest.mark.parametrize("key", ["short", "k" * 64, "k" * 65, "长的索引密钥" * 20])
    def test_the_blind_index_stays_hmac_sha256_of_the_normalised_value(self, settings, key):
        # Stored indexes must keep matching: the batch form used by imports is the same HMAC.
        import hashlib
        import hmac

        settings.PORTAL_INDEX_KEY = key
        for kind, value, normalised in [("id_number", VALID.lower(), VALID), ("phone", " 139 1234 5678", "13912345678")]:
            expected = hmac.new(key.encode(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()
            assert personal.blind_index(kind, value) == expected
            assert personal.blind_indexer(kind)(value) == expected

    def test_tokens_are_base64url(self):
        tokens = [personal.encrypt(VALID) for _ in range(300)]  # 300 random nonces: '+' or '/' would show up
        assert not any("+" in t or "/" in t for t in tokens)
        assert {personal.decrypt(t) for t in tokens} == {VALID}

    def test_values_written_as_fernet_tokens_by_earlier_versions_stay_readable(self, world, settings):
        from cryptography.fernet import Fernet

        profile = _profile(world)
        old = Fernet(personal._fernet_key(settings.PORTAL_DATA_KEY.split(",")[0].strip())).encrypt(VALID.encode())
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_staffprofile SET id_number = %s WHERE id = %s", [old.decode(), profile.pk])
            cursor.execute("SELECT id_number FROM core_staffprofile WHERE id = %s", [profile.pk])
            assert cursor.fetchone()[0].startswith("gAAAA")
        assert StaffProfile.objects.get(pk=profile.pk).id_number == VALID
        settings.PORTAL_DATA_KEY = "another-key"
        with pytest.raises(ValueError):
            StaffProfile.objects.get(pk=profile.pk)

    def test_audit_rows_hold_only_the_masked_value(self, world):
        _profile(world)
        event = AuditEvent.objects.get(action="core.staff_profile.save")
        assert VALID not in str(event.changes)
        assert VALID[-4:] in str(event.changes)


@pytest.mark.django_db
class TestReveal:
    def test_reveal_needs_a_reason_and_is_audited_without_the_value(self, world):
        profile = _profile(world)
        with pytest.raises(ValidationError):
            services.reveal_personal_data(actor=world.officer_a, instance=profile, field="id_number", reason="")
        plain = services.reveal_personal_data(actor=world.officer_a, instance=profile, field="id_number",
                                              reason="核对低保申请")
        assert plain == VALID
        event = AuditEvent.objects.get(action="core.personal_data.reveal")
        assert event.actor == world.officer_a and event.reason == "核对低保申请"
        assert VALID not in str(event.changes) + event.target_label

    def test_reveal_outside_ones_area_is_not_found(self, world):
        profile = _profile(world)
        with pytest.raises(OutOfScope):
            services.reveal_personal_data(actor=world.officer_b, instance=profile, field="id_number", reason="好奇")

    def test_reveal_without_the_permission_is_refused(self, world):
        profile = _profile(world)
        with pytest.raises(NoPermission):  # the auditor sees staff profiles but may not reveal
            services.reveal_personal_data(actor=world.auditor, instance=profile, field="id_number", reason="核对信息")
        assert not AuditEvent.objects.filter(action="core.personal_data.reveal").exists()

    def test_the_staff_page_shows_masked_values_and_reveals_on_request(self, world, web):
        profile = _profile(world)
        client = web(world.officer_a)
        listing = client.get(reverse("staff-list")).content.decode()
        assert VALID not in listing and (VALID[:6] + "********") in listing
        url = reverse("reveal", args=["staffprofile", profile.pk, "id_number"])
        refused = client.post(url, {"reason": ""})
        assert refused.status_code == 400 and VALID not in refused.content.decode()
        shown = client.post(url, {"reason": "上门核实身份"})
        assert VALID in shown.content.decode()
        assert AuditEvent.objects.filter(action="core.personal_data.reveal", actor=world.officer_a).count() == 1

    def test_the_staff_export_is_masked(self, world, web):
        _profile(world)
        response = web(world.officer_a).get(reverse("staff-list"), {"export": "csv"})
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "陈静" in body and VALID not in body and "139****5678" in body

    def test_logging_a_value_writes_it_masked(self, world, caplog):
        profile = StaffProfile.objects.get(pk=_profile(world).pk)
        with caplog.at_level(logging.INFO):
            logging.getLogger("portal.test").info("profile %s %r", profile.id_number, profile.id_number)
        assert VALID not in caplog.text


def test_id_numbers_from_the_factory_are_valid():
    assert personal.validate_id_number(id_number())

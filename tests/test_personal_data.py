"""Personal data: encrypted at rest, found by a blind index, masked on pages, revealed in
full only with a reason that goes to the audit log."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.urls import reverse

from safeharbor.core import crypto
from safeharbor.core.models import AuditLog, User, masked
from safeharbor.lib.masking import mask_address, mask_id_number, mask_name, mask_phone
from tests import factories

PHONE = "13904731234"
ID_NUMBER = "150304199001011234"



@pytest.fixture
def keys(settings):
    """Switch FIELD_ENCRYPTION_KEYS for one test; the cached keys are reset around it."""

    def use(*new_keys):
        settings.FIELD_ENCRYPTION_KEYS = list(new_keys)
        crypto.reset_keys_cache()

    yield use
    crypto.reset_keys_cache()


@pytest.fixture
def colleague(org, alice):
    """A grid worker under alice's sub-district, with a phone and an ID number on file."""
    return factories.UserFactory(
        username="gridder", full_name="赵敏", role=User.Role.GRID_WORKER, areas=[org.grid],
        phone=PHONE, id_number=ID_NUMBER,
    )


def raw_row(user) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number, phone_index FROM core_user WHERE id = %s", [user.pk])
        return cursor.fetchone()


def reveal(client, user, field="phone", reason="回访核实诉求人身份", **extra):
    return client.post(reverse("reveal", args=["core.user", user.pk, field]), {"reason": reason}, **extra)


# --- encryption ---------------------------------------------------------------------------------


def test_encrypt_decrypt_round_trip():
    for value in [PHONE, "王秀英", "内蒙古乌海市乌达区团结路1号 3-2-501", "x" * 500]:
        token = crypto.encrypt(value)
        assert token.startswith(crypto.PREFIX)
        assert value not in token
        assert crypto.decrypt(token) == value


def test_the_same_value_encrypts_differently_each_time():
    assert crypto.encrypt(PHONE) != crypto.encrypt(PHONE)


def test_decrypt_refuses_clear_text_and_foreign_keys(keys):
    with pytest.raises(ValueError):
        crypto.decrypt(PHONE)
    keys(Fernet.generate_key().decode())
    token = crypto.encrypt(PHONE)
    keys(Fernet.generate_key().decode())
    with pytest.raises(ValueError, match="FIELD_ENCRYPTION_KEYS"):
        crypto.decrypt(token)


def test_keys_can_be_rotated(keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keys(old)
    old_token = crypto.encrypt(PHONE)
    keys(new, old)  # the new key encrypts, both decrypt
    assert crypto.decrypt(old_token) == PHONE
    new_token = crypto.encrypt(PHONE)
    keys(new)
    assert crypto.decrypt(new_token) == PHONE


def test_database_holds_ciphertext_only(colleague):
    phone, id_number, _index = raw_row(colleague)
    for raw, clear in [(phone, PHONE), (id_number, ID_NUMBER)]:
        assert raw.startswith(crypto.PREFIX)
        assert clear not in raw
        assert crypto.decrypt(raw) == clear
    fresh = User.objects.get(pk=colleague.pk)
    assert (fresh.phone, fresh.id_number) == (PHONE, ID_NUMBER)


def test_empty_values_stay_empty(org):
    user = factories.UserFactory(username="nophone")
    assert raw_row(user) == ("", "", "")
    assert User.objects.get(pk=user.pk).phone == ""


# --- blind index ------------------------------------------------------------------------------------


def test_blind_index_is_stable_across_spellings():
    same = ["+86 139-0473-1234", "13904731234", "139 0473 1234", "(+86)13904731234"]
    assert len({crypto.blind_index(v) for v in same}) == 1
    assert crypto.blind_index("13904731235") != crypto.blind_index(PHONE)
    assert crypto.blind_index(PHONE) != PHONE and PHONE not in crypto.blind_index(PHONE)
    assert crypto.blind_index("") == ""


def test_blind_index_of_id_numbers_ignores_case_and_spaces():
    assert crypto.blind_index(" 15030419900101123x", kind="id") == crypto.blind_index("15030419900101123X", kind="id")
    # a phone and an ID number with the same digits do not collide
    assert crypto.blind_index("13904731234", kind="id") != crypto.blind_index("13904731234")


def test_phone_index_is_set_on_save_and_finds_the_user(colleague):
    _phone, _id, index = raw_row(colleague)
    assert index == crypto.blind_index(PHONE)
    assert User.objects.get(phone_index=crypto.blind_index("+86 139-0473-1234")) == colleague


def test_phone_index_follows_a_changed_phone_even_with_update_fields(colleague):
    colleague.phone = "+86 138-1234-5678"
    colleague.save(update_fields=["phone"])
    assert raw_row(colleague)[2] == crypto.blind_index("13812345678")
    assert not User.objects.filter(phone_index=crypto.blind_index(PHONE)).exists()
    colleague.phone = ""
    colleague.save(update_fields=["phone"])
    assert raw_row(colleague)[2] == ""


# --- masking --------------------------------------------------------------------------------------------


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138-1234-5678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "138****5678"  # the country code is not the number
    assert mask_phone("04733456789") == "047****6789"  # landline with area code
    assert mask_phone("12345") == "***45"
    assert mask_phone("") == "" and mask_phone(None) == ""


def test_mask_id_number_keeps_first_6_and_last_4():
    assert mask_id_number(ID_NUMBER) == "150304********1234"
    assert len(mask_id_number(ID_NUMBER)) == 18
    assert mask_id_number("15030419900101123X") == "150304********123X"
    assert mask_id_number("1234") == "****"
    assert mask_id_number("") == ""


def test_mask_name_and_address():
    assert mask_name("王秀英") == "王**"
    assert mask_name("王") == "*"
    assert mask_address("团结路12号3栋501") == "团结路**号**栋**"
    assert mask_address("乌达区团结路12号永昌佳苑3栋501") == "乌达区团结路**号永昌佳…"


def test_masked_uses_the_fields_masker(colleague):
    assert masked(colleague, "phone") == "139****1234"
    assert masked(colleague, "id_number") == "150304********1234"


# --- the people page -------------------------------------------------------------------------------------


def test_people_page_shows_masked_values_only(client, alice, colleague):
    client.force_login(alice)
    response = client.get(reverse("user_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "赵敏" in html
    assert "139****1234" in html
    assert "150304********1234" in html
    assert PHONE not in html
    assert ID_NUMBER not in html
    assert crypto.PREFIX not in html  # no ciphertext either
    assert reverse("reveal", args=["core.user", colleague.pk, "phone"]) in html


def test_people_page_lists_only_people_in_scope(client, charlie, colleague):
    client.force_login(charlie)
    html = client.get(reverse("user_list")).content.decode()
    assert "赵敏" not in html
    assert "139****1234" not in html


# --- reveal --------------------------------------------------------------------------------------------------


def test_reveal_with_a_reason_shows_the_value_and_is_audited(client, alice, colleague):
    client.force_login(alice)
    response = reveal(client, colleague, reason="  回访核实诉求人身份 ")
    assert response.status_code == 200
    assert PHONE in response.content.decode()

    entry = AuditLog.objects.get()
    assert entry.actor == alice
    assert entry.action == AuditLog.Action.REVEAL
    assert (entry.target_type, entry.target_id) == ("core.user", str(colleague.pk))
    assert entry.target_repr == "赵敏"
    assert entry.field == "phone"
    assert entry.reason == "回访核实诉求人身份"
    assert entry.ip == "127.0.0.1"


def test_reveal_id_number(client, alice, colleague):
    client.force_login(alice)
    response = reveal(client, colleague, field="id_number", reason="核对调解当事人")
    assert response.status_code == 200
    assert ID_NUMBER in response.content.decode()
    assert AuditLog.objects.get().field == "id_number"


def test_each_reveal_is_a_new_entry(client, alice, colleague):
    client.force_login(alice)
    reveal(client, colleague, reason="第一次")
    reveal(client, colleague, reason="第二次")
    assert list(AuditLog.objects.order_by("at", "pk").values_list("reason", flat=True)) == ["第一次", "第二次"]


@pytest.mark.parametrize("reason", ["", "   ", "x"])
def test_reveal_without_a_reason_is_400_and_writes_nothing(client, alice, colleague, reason):
    client.force_login(alice)
    response = reveal(client, colleague, reason=reason, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why you need to see this in full" in html
    assert PHONE not in html
    assert not AuditLog.objects.exists()


def test_reveal_outside_scope_is_404_and_writes_nothing(client, charlie, colleague):
    client.force_login(charlie)
    response = reveal(client, colleague)
    assert response.status_code == 404
    assert PHONE not in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditLog.Action.REVEAL).exists()


@pytest.mark.parametrize(
    "label, field", [("core.user", "password"), ("core.user", "username"), ("core.area", "name"), ("nope", "phone")]
)
def test_reveal_of_a_field_that_is_not_personal_data_is_404(client, alice, colleague, label, field):
    client.force_login(alice)
    response = client.post(reverse("reveal", args=[label, colleague.pk, field]), {"reason": "只是看看"})
    assert response.status_code == 404
    assert not AuditLog.objects.exists()


def test_reveal_of_a_missing_user_is_404(client, alice, colleague):
    client.force_login(alice)
    response = client.post(reverse("reveal", args=["core.user", 999_999, "phone"]), {"reason": "只是看看"})
    assert response.status_code == 404
    assert not AuditLog.objects.exists()


def test_reveal_needs_post_and_a_login(client, alice, colleague):
    client.force_login(alice)
    assert client.get(reverse("reveal", args=["core.user", colleague.pk, "phone"])).status_code == 405
    client.logout()
    response = reveal(client, colleague)
    assert response.status_code == 302
    assert not AuditLog.objects.exists()


# --- the audit page -----------------------------------------------------------------------------------------


def test_audit_page_lists_reveals_for_an_admin(client, alice, admin_user, colleague):
    client.force_login(alice)
    reveal(client, colleague, reason="回访核实诉求人身份")
    client.force_login(admin_user)
    response = client.get(reverse("audit_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "回访核实诉求人身份" in html
    assert "王丽" in html  # alice, who revealed
    assert f"core.user#{colleague.pk}" in html
    assert PHONE not in html  # the log says that it was seen, not what

    assert "回访核实诉求人身份" in client.get(reverse("audit_list"), {"action": "reveal"}).content.decode()
    assert "回访核实诉求人身份" not in client.get(reverse("audit_list"), {"action": "export"}).content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_audit_page_is_404_for_everyone_else(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("audit_list")).status_code == 404

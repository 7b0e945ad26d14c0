"""Optional two-factor log-in (TOTP) for administrators and leaders."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeharbor.core.models import AuditLog


def code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def log_in(client, username):
    return client.post("/accounts/login/", {"username": username, "password": "pw-Correct-horse-9"})


@pytest.fixture
def leader(bob):
    bob.set_password("pw-Correct-horse-9")
    bob.save()
    return bob


@pytest.mark.django_db
def test_leader_turns_it_on_then_needs_a_code(client, leader):
    client.force_login(leader)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200 and b"<svg" in page.content  # the QR code to scan
    device = TOTPDevice.objects.get(user=leader, confirmed=False)

    wrong = client.post("/accounts/two-factor/", {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and not TOTPDevice.objects.filter(user=leader, confirmed=True).exists()
    assert client.post("/accounts/two-factor/", {"token": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditLog.objects.filter(actor=leader, field="two_factor").exists()

    client.logout()
    step1 = log_in(client, "bob")
    assert step1.status_code == 302 and step1["Location"] == "/accounts/login/code/"
    assert client.get("/desk/").status_code == 302  # not logged in yet: the password alone is not enough
    bad = client.post("/accounts/login/code/", {"token": "12345x"})
    assert bad.status_code == 400
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp slows down repeated failures; reset for the test
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post("/accounts/login/code/", {"token": code(device, offset=1)})
    assert ok.status_code == 302
    assert client.get("/desk/").status_code == 200


@pytest.mark.django_db
def test_without_a_device_the_password_is_enough(client, leader):
    assert log_in(client, "bob")["Location"] != "/accounts/login/code/"
    assert client.get("/desk/").status_code == 200


@pytest.mark.django_db
def test_other_roles_have_no_two_factor_page(client, alice):
    client.force_login(alice)  # a dispatcher
    assert client.get("/accounts/two-factor/").status_code == 404


@pytest.mark.django_db
def test_five_wrong_codes_start_the_log_in_again(client, leader):
    device = TOTPDevice.objects.create(user=leader, name="app", confirmed=True)
    log_in(client, "bob")
    right = code(device)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(4):
        assert client.post("/accounts/login/code/", {"token": wrong}).status_code == 400
    assert client.post("/accounts/login/code/", {"token": wrong})["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/code/")["Location"] == "/accounts/login/"


@pytest.mark.django_db
def test_required_two_factor_sends_leaders_to_the_set_up(client, leader, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client.force_login(leader)
    assert client.get("/matters/")["Location"] == "/accounts/two-factor/"

"""Logging in and out: lockout after repeated failures (django-axes), Argon2 hashes."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from safeharbor.core.models import User
from tests.factories import PASSWORD

LIMIT = 5  # AXES_FAILURE_LIMIT (LOGIN_FAILURE_LIMIT)

pytestmark = pytest.mark.argon2  # these tests check the production hasher


def log_in(client, username="alice", password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def ask_token(client, username="alice", password=PASSWORD, **extra):
    return client.post("/api/auth/token/", {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def is_lockout_page(response) -> bool:
    return "registration/locked_out.html" in [t.name for t in response.templates]


# --- the log-in page ----------------------------------------------------------------------------


def test_right_password_logs_in(client, alice):
    response = log_in(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in(client)


def test_wrong_password_shows_the_form_again(client, alice):
    response = log_in(client, password="wrong-password", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert not is_lockout_page(response)
    assert "Please enter a correct username and password" in response.content.decode()
    assert not logged_in(client)


def test_lockout_after_five_failures_even_with_the_right_password(client, alice):
    for _ in range(LIMIT - 1):
        response = log_in(client, password="wrong-password")
        assert response.status_code == 200
        assert not is_lockout_page(response)
    response = log_in(client, password="wrong-password")  # the fifth failure locks
    assert response.status_code == 429
    assert is_lockout_page(response)

    response = log_in(client, HTTP_ACCEPT_LANGUAGE="en")  # the right password, too late
    assert response.status_code == 429
    assert is_lockout_page(response)
    assert "Too many failed log-in attempts" in response.content.decode()
    assert not logged_in(client)
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("login"))


def test_lockout_ends_after_the_cool_off(client, alice):
    for _ in range(LIMIT):
        log_in(client, password="wrong-password")
    assert log_in(client).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert log_in(client).status_code == 302
        assert logged_in(client)


def test_lockout_is_per_user_and_address(client, alice, charlie):
    for _ in range(LIMIT):
        log_in(client, password="wrong-password")
    assert log_in(client).status_code == 429
    # another account from the same address
    assert log_in(client, "charlie").status_code == 302
    client.logout()
    # the same account from another address
    assert log_in(client, REMOTE_ADDR="10.20.30.40").status_code == 302


def test_a_successful_log_in_resets_the_count(client, alice):
    for _ in range(LIMIT - 1):
        log_in(client, password="wrong-password")
    assert log_in(client).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        assert log_in(client, password="wrong-password").status_code == 200
    assert log_in(client).status_code == 302


# --- the token endpoint ---------------------------------------------------------------------------


def test_token_endpoint_locks_too(client, alice):
    for _ in range(LIMIT - 1):
        assert ask_token(client, password="wrong-password").status_code == 400
    assert ask_token(client, password="wrong-password").status_code == 429

    response = ask_token(client, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    body = response.json()
    assert "token" not in body
    assert body["message"] == "Too many failed log-in attempts"
    assert not Token.objects.filter(user=alice).exists()


def test_failures_on_the_api_lock_the_page_and_back(client, alice, charlie):
    for _ in range(LIMIT):
        ask_token(client, password="wrong-password")
    assert log_in(client).status_code == 429
    assert not logged_in(client)

    for _ in range(LIMIT):
        log_in(client, "charlie", password="wrong-password")
    assert ask_token(client, "charlie").status_code == 429
    assert not Token.objects.filter(user=charlie).exists()


# --- passwords --------------------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2(alice):
    assert alice.password.startswith("argon2")
    assert PASSWORD not in alice.password
    assert alice.check_password(PASSWORD)


def test_an_older_hash_is_upgraded_to_argon2_on_log_in(client, alice):
    User.objects.filter(pk=alice.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert log_in(client).status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("argon2")


@pytest.mark.parametrize("password", ["short", "password123", "12345678901"])
def test_weak_passwords_are_refused(alice, password):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password, user=alice)


# --- logging out ------------------------------------------------------------------------------------


def test_log_out_with_post(client, alice):
    client.force_login(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert not logged_in(client)
    assert client.get(reverse("home")).status_code == 302


def test_log_out_by_get_is_refused(client, alice):
    client.force_login(alice)
    assert client.get(reverse("logout")).status_code == 405
    assert logged_in(client)

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

PAGES = ["home", "harbor_list", "area_list", "unit_list", "user_list"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_require_login(client, org, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_pages_render_in_chinese(client, alice, name):
    client.force_login(alice)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "退出" in response.content.decode()  # the log-out button, in Chinese


def test_harbor_list_is_scoped(client, alice, charlie, org):
    client.force_login(alice)
    body = client.get(reverse("harbor_list")).content.decode()
    assert org.harbor.name in body
    assert org.other_harbor.name not in body
    client.force_login(charlie)
    body = client.get(reverse("harbor_list")).content.decode()
    assert org.other_harbor.name in body
    assert org.harbor.name not in body


def test_harbor_detail_out_of_scope_is_404(client, charlie, org):
    client.force_login(charlie)
    assert client.get(reverse("harbor_detail", args=[org.harbor.code])).status_code == 404
    assert client.get(reverse("harbor_detail", args=["no-such-harbor"])).status_code == 404
    assert client.get(reverse("harbor_detail", args=[org.other_harbor.code])).status_code == 200


def test_area_detail_out_of_scope_is_404(client, charlie, org):
    client.force_login(charlie)
    assert client.get(reverse("area_detail", args=[org.yongchang.pk])).status_code == 404
    assert client.get(reverse("area_detail", args=[org.tuanjie.pk])).status_code == 200


def test_login_with_password(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"

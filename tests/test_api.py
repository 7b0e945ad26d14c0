"""The read API: token auth, scoping, errors, the OpenAPI document and its docs page,
and the health check."""

import json
from html.parser import HTMLParser
from unittest import mock

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.db import OperationalError
from django.test import Client
from rest_framework.authtoken.models import Token

from safeharbor.core import views
from safeharbor.core.models import Category, Harbor, User
from tests import factories
from tests.factories import PASSWORD

LIST_ENDPOINTS = ["/api/areas/", "/api/units/", "/api/categories/", "/api/harbors/"]



@pytest.fixture
def api():
    """A client with no session, speaking English (messages are checked by text)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- tokens ------------------------------------------------------------------------------------


def test_token_for_username_and_password_opens_the_api(api, alice, org):
    response = api.post("/api/auth/token/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user=alice).key

    response = api.get("/api/harbors/", HTTP_AUTHORIZATION=f"Token {token}")
    assert [h["code"] for h in results(response)] == ["yongchang"]


def test_asking_twice_gives_the_same_token(api, alice):
    first = api.post("/api/auth/token/", {"username": "alice", "password": PASSWORD}).json()["token"]
    second = api.post("/api/auth/token/", {"username": "alice", "password": PASSWORD}).json()["token"]
    assert first == second


def test_token_with_wrong_password_is_400_with_a_message(api, alice):
    response = api.post("/api/auth/token/", {"username": "alice", "password": "not-the-password"})
    assert response.status_code == 400
    body = response.json()
    assert "token" not in body
    assert body["message"] == "Unable to log in with provided credentials."
    assert not Token.objects.filter(user=alice).exists()


def test_token_without_fields_names_them(api, alice):
    response = api.post("/api/auth/token/", {})
    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert set(body["extra"]) == {"username", "password"}


def test_token_of_a_deactivated_user_stops_working(api, alice, org):
    token = Token.objects.create(user=alice)
    assert api.get("/api/harbors/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = api.get("/api/harbors/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
    assert "message" in response.json()


def test_unknown_token_is_401(api, alice):
    response = api.get("/api/harbors/", HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid token."


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_lists_without_credentials_are_401(api, org, url):
    response = api.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["message"]


def test_browser_session_also_opens_the_api(client, alice, org):
    client.force_login(alice)
    assert [h["code"] for h in results(client.get("/api/harbors/"))] == ["yongchang"]


def test_api_is_read_only(client, alice, org):
    client.force_login(alice)
    response = client.post("/api/harbors/", {"code": "new", "name": "新港湾"})
    assert response.status_code == 405
    response = client.delete(f"/api/harbors/{org.harbor.pk}/")
    assert response.status_code == 405
    assert Harbor.objects.filter(pk=org.harbor.pk).exists()


# --- scoping -----------------------------------------------------------------------------------


def test_harbor_list_is_scoped(client, alice, charlie, org):
    client.force_login(alice)
    assert [h["code"] for h in results(client.get("/api/harbors/"))] == ["yongchang"]
    client.force_login(charlie)
    assert [h["code"] for h in results(client.get("/api/harbors/"))] == ["tuanjie"]


def test_area_list_is_scoped_and_in_tree_order(client, alice, charlie, org):
    client.force_login(alice)
    areas = results(client.get("/api/areas/"))
    assert [a["code"] for a in areas] == ["wuda.xinda", "wuda.xinda.yc", "wuda.xinda.yc.g1"]
    assert areas[1]["parent_path"] == areas[0]["path"]
    client.force_login(charlie)
    assert [a["code"] for a in results(client.get("/api/areas/"))] == ["wuda.sdk", "wuda.sdk.tj"]


def test_unit_list_is_scoped(client, alice, charlie, org):
    factories.UnitFactory(code="yc_office", kind="community", area=org.yongchang)
    factories.UnitFactory(code="tj_office", kind="community", area=org.tuanjie)
    client.force_login(alice)
    codes = {u["code"] for u in results(client.get("/api/units/"))}
    assert {"police", "justice", "women", "yc_office"} <= codes
    assert "tj_office" not in codes
    client.force_login(charlie)
    codes = {u["code"] for u in results(client.get("/api/units/"))}
    assert {"police", "justice", "women", "tj_office"} <= codes
    assert "yc_office" not in codes


def test_harbor_detail_carries_its_ports(client, alice, org):
    factories.PortFactory(harbor=org.harbor, name="永昌巾帼港", owner_unit=org.women)
    client.force_login(alice)
    response = client.get(f"/api/harbors/{org.harbor.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "yongchang"
    assert body["domain"] == "community"
    assert [(p["name"], p["owner_unit"]) for p in body["ports"]] == [("永昌巾帼港", "women")]


def test_out_of_scope_and_missing_details_are_404(client, alice, org):
    client.force_login(alice)
    assert client.get(f"/api/harbors/{org.other_harbor.pk}/").status_code == 404
    assert client.get(f"/api/areas/{org.tuanjie.pk}/").status_code == 404
    assert client.get("/api/harbors/999999/").status_code == 404
    assert client.get(f"/api/harbors/{org.harbor.pk}/").status_code == 200


def test_categories_are_listed_for_staff_only(client, alice, org):
    factories.CategoryFactory(code="security.theft", name_zh="盗窃", domain=org.domain, default_unit=org.police)
    nobody = factories.UserFactory(username="nobody", role=User.Role.DISPATCHER)
    client.force_login(alice)
    rows = results(client.get("/api/categories/"))
    assert [(c["code"], c["domain"], c["default_unit"]) for c in rows] == [("security.theft", "community", "police")]
    client.force_login(nobody)
    assert results(client.get("/api/categories/")) == []
    pk = Category.objects.get().pk
    assert client.get(f"/api/categories/{pk}/").status_code == 404


def test_list_is_paginated(client, admin_user, org):
    for i in range(3):
        factories.HarborFactory(code=f"extra-{i}", domain=org.domain, area=org.grid)
    client.force_login(admin_user)
    body = client.get("/api/harbors/?limit=2").json()
    assert body["count"] == 6
    assert len(body["results"]) == 2
    assert body["next"]


# --- OpenAPI -----------------------------------------------------------------------------------

EXPECTED_PATHS = {
    "/api/areas/", "/api/areas/{id}/", "/api/units/", "/api/units/{id}/",
    "/api/harbors/", "/api/harbors/{id}/", "/api/categories/", "/api/categories/{id}/", "/api/auth/token/",
}


def test_schema_is_openapi_3_json(api, db):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert EXPECTED_PATHS <= set(document["paths"])
    assert "tokenAuth" in document["components"]["securitySchemes"]


def test_schema_is_yaml_by_default(api, db):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    assert document["openapi"].startswith("3.")
    assert EXPECTED_PATHS <= set(document["paths"])


class _Assets(HTMLParser):
    """Collects the URLs of the scripts, stylesheets and icons a page loads."""

    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.links.append(attrs["href"])


def test_docs_page_loads_only_local_static_files(api, db):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    parser = _Assets()
    parser.feed(response.content.decode())
    assert parser.scripts, "the Swagger UI page loads no script at all"
    assert any(href.endswith(".css") for href in parser.links)
    for url in parser.scripts + parser.links:
        assert not url.startswith(("http://", "https://", "//")), url
        if url.startswith("/api/docs/?script"):  # the page's own script, served apart (no inline script: CSP)
            script = api.get(url)
            assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
            continue
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not shipped"


# --- health check ------------------------------------------------------------------------------


def test_healthz_ok(api, db):
    response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_the_database_is_unreachable(api, db):
    with mock.patch.object(views.connection, "cursor", side_effect=OperationalError("unable to open database")):
        response = api.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
    # and recovers as soon as the database is back
    assert api.get("/healthz").status_code == 200

"""/metrics speaks Prometheus to the monitoring host, and to nobody else without the token."""

import pytest

from tests import factories


@pytest.mark.django_db
def test_metrics_from_loopback(client, org):
    factories.MatterFactory(area=org.grid)
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert 'safeharbor_matters{status="received"} 1.0' in body
    assert "safeharbor_matters_overdue" in body


@pytest.mark.django_db
def test_metrics_elsewhere_need_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret"
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.8").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.8", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    ok = client.get("/metrics", REMOTE_ADDR="10.0.0.8", HTTP_AUTHORIZATION="Bearer s3cret")
    assert ok.status_code == 200

"""Harbor QR posters: the printable page, PNG, SVG and the A4 PDF with Chinese text."""

import io
import logging
import subprocess

import pytest
import segno
from django.urls import reverse
from PIL import Image

from safeharbor.intake import posters
from safeharbor.lib import pdf
from tests.factories import PortFactory
from tests.tools import require_commands

REPORT_URL = "http://testserver/report/yongchang/"
KINDS = ["poster", "poster_png", "poster_svg", "poster_pdf"]


@pytest.fixture
def harbor(org):
    harbor = org.harbor
    harbor.opening_hours, harbor.phone = "周一至周五 8:30-18:00", "0473-3128610"
    harbor.save()
    PortFactory(harbor=harbor, name="巾帼港", hotline_name="妇女维权专线", hotline_number="12338")
    return harbor


def url(kind: str, harbor) -> str:
    return reverse(f"intake:{kind}", args=[harbor.code])


def reencoded(target: str, **options) -> bytes:
    """segno's own output for the URL we expect, with the same options."""
    out = io.BytesIO()
    segno.make(target, **posters.QR_OPTIONS).save(out, **options)
    return out.getvalue()


def test_poster_page(client, alice, harbor):
    client.force_login(alice)
    response = client.get(url("poster", harbor))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ("永昌佳苑平安港湾", REPORT_URL, "周一至周五 8:30-18:00", "0473-3128610", "妇女维权专线", "12338",
                 harbor.address, url("poster_svg", harbor), url("poster_pdf", harbor)):
        assert text in page, text
    assert "data-print" in page and "onclick" not in page  # printed by site.js, no inline script


def test_png_encodes_the_report_url(client, alice, harbor):
    client.force_login(alice)
    response = client.get(url("poster_png", harbor))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content == reencoded(REPORT_URL, **posters.PNG_OPTIONS)
    image = Image.open(io.BytesIO(response.content))
    modules = len(segno.make(REPORT_URL, **posters.QR_OPTIONS).matrix)
    assert image.size == ((modules + 8) * posters.PNG_OPTIONS["scale"],) * 2  # square, with the quiet zone
    assert response.content != reencoded("http://testserver/report/tuanjie/", **posters.PNG_OPTIONS)


def test_svg_encodes_the_report_url(client, alice, harbor):
    client.force_login(alice)
    response = client.get(url("poster_svg", harbor))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content == reencoded(REPORT_URL, **posters.SVG_OPTIONS)
    assert response.content.startswith(b"<svg")


def test_site_url_wins_over_the_request(client, alice, harbor, settings):
    settings.SITE_URL = "https://pinganganwan.wuda.gov.cn/"
    client.force_login(alice)
    response = client.get(url("poster_png", harbor))
    expected = "https://pinganganwan.wuda.gov.cn/report/yongchang/"
    assert response.content == reencoded(expected, **posters.PNG_OPTIONS)
    assert expected in client.get(url("poster", harbor)).content.decode()


def test_pdf_is_a4_with_embedded_chinese(client, alice, harbor, tmp_path):
    client.force_login(alice)
    response = client.get(url("poster_pdf", harbor))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"/MediaBox [ 0 0 595.2756 841.8898 ]" in response.content
    require_commands("pdftotext", "pdffonts")
    path = tmp_path / "poster.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "永昌佳苑平安港湾" in text and REPORT_URL in text and "12338" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # every font embedded
    if pdf.chinese_font() == pdf.FONT_NAME:
        assert any("WenQuanYi" in row[0] or "+" in row[0] for row in rows)


def test_chinese_font_falls_back_with_a_warning(monkeypatch, caplog):
    monkeypatch.setattr(pdf, "CANDIDATES", ("/nonexistent/font.ttf",))
    pdf.chinese_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="safeharbor.lib.pdf"):
            assert pdf.chinese_font() == pdf.FALLBACK_FONT
        assert "fonts-wqy-microhei" in caplog.text
    finally:
        pdf.chinese_font.cache_clear()


@pytest.mark.parametrize("kind", KINDS)
def test_outside_the_scope_is_404(client, charlie, harbor, kind):
    client.force_login(charlie)
    assert client.get(url(kind, harbor)).status_code == 404
    assert client.get(reverse(f"intake:{kind}", args=["no-such-harbor"])).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_leader_may_print_posters(client, bob, harbor, kind):
    client.force_login(bob)
    assert client.get(url(kind, harbor)).status_code == 200


def test_anonymous_users_log_in_first(client, harbor):
    response = client.get(url("poster_pdf", harbor))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_harbor_page_links_to_the_poster(client, alice, harbor):
    client.force_login(alice)
    page = client.get(reverse("harbor_detail", args=[harbor.code])).content.decode()
    assert url("poster", harbor) in page and url("poster_pdf", harbor) in page

"""The dashboard and the hotspot map in a real browser: the charts render as links to the
matters behind them, the map draws the grids from the installation's own geometry."""

import pytest
from playwright.sync_api import expect

from safeharbor.core.models import Area
from tests.factories import PASSWORD, CategoryFactory, MatterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def box(west, south, east, north) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


def log_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base_url}{next_path}")


@pytest.fixture
def placed(org, alice):
    Area.objects.filter(pk=org.xinda.pk).update(geometry=box(106.70, 39.50, 106.80, 39.60))
    Area.objects.filter(pk=org.yongchang.pk).update(geometry=box(106.70, 39.50, 106.80, 39.55))
    Area.objects.filter(pk=org.grid.pk).update(geometry=box(106.70, 39.50, 106.75, 39.55))
    cat = CategoryFactory(code="public.noise", name_zh="噪声扰民", domain=org.domain, default_unit=org.police)
    for i in range(3):
        MatterFactory(actor=alice, area=org.grid, category=cat, address=f"永昌佳苑小区{i + 1}号楼", source="hotline")
    return org


def _click_bar(page, chart: str, value: int, index: int) -> None:
    """A real mouse click on a bar of an ECharts chart: the pixel of (value, category index)
    asked of the chart itself, a few pixels inside the bar's end."""
    x, y = page.evaluate(
        """([id, value, index]) => {
            const box = document.getElementById(id);
            box.scrollIntoView({block: "center"});
            const point = echarts.getInstanceByDom(box).convertToPixel({seriesIndex: 0}, [value, index]);
            const rect = box.getBoundingClientRect();
            return [rect.left + point[0] - 4, rect.top + point[1]];
        }""",
        [chart, value, index],
    )
    page.mouse.click(x, y)


def test_dashboard_renders_charts_that_lead_to_the_matters(live_server, page, placed, alice):
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, "alice", "/insights/")
    received = page.locator('.figure[data-figure="received"] .stat').first
    expect(received).to_have_text("3")
    # ECharts drew every chart (SVG renderer) from the JSON on the page.
    for chart in ("trend", "source", "category", "area", "unit"):
        expect(page.locator(f"#echart-{chart}[data-ready='1'] svg")).to_have_count(1)
    source = page.locator("#echart-source svg")
    expect(source).to_contain_text("热线来电")  # the channel's label on the axis
    expect(source).to_contain_text("3")
    assert page.locator("#echart-source svg path").count() > 1  # axis + the bar
    # The server-rendered table is still there, with its links.
    expect(page.locator("#chart-source details table a")).to_have_text("3")
    assert refused == []
    _click_bar(page, "echart-source", 3, 0)
    page.wait_for_url("**/insights/matters/**")
    assert "source=hotline" in page.url and "figure=received" in page.url
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.get_by_role("heading", level=2)).to_contain_text("指标明细")


def test_dashboard_charts_fit_a_phone(live_server, page, placed, alice):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "alice", "/insights/")
    chart = page.locator("#echart-category[data-ready='1'] svg")
    expect(chart).to_have_count(1)
    box = chart.bounding_box()
    assert box["width"] <= 390 and box["height"] >= 100
    expect(chart).to_contain_text("噪声扰民")
    _click_bar(page, "echart-category", 3, 0)
    page.wait_for_url("**/insights/matters/**")
    assert "category=public.noise" in page.url
    expect(page.locator("tbody tr")).to_have_count(3)


def test_hotspot_map_shades_the_grids(live_server, page, placed, alice):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, "alice", "/insights/hotspots/")
    expect(page.locator("#hotspot-map[data-ready='1']")).to_be_visible()
    grid = page.locator("#hotspot-map path[data-grid]")
    expect(grid).to_have_count(1)
    expect(grid).to_have_attribute("data-count", "3")
    assert grid.get_attribute("fill") not in ("#ffffff", None)
    expect(page.locator(".top-grids")).to_contain_text("永昌佳苑第一网格")
    grid.click()
    page.wait_for_url("**/insights/matters/**")
    expect(page.locator("tbody tr")).to_have_count(3)

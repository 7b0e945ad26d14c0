"""The dashboard charts. In the browser they are drawn by the vendored ECharts
(static/insights/vendor/echarts, driven by static/insights/dashboard.js) from the data of
`echarts_data`, put on the page with json_script (no inline script: the site's
Content-Security-Policy allows neither inline scripts nor eval). The server-side SVG charts
below are the fallback shown without JavaScript (<noscript>): readable on a projector and a
phone (they scale to the width of the page), printable, and every bar a link to the matters
behind it."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#0a7ea4", "#bc4c00", "#57606a")


def bar_chart(rows, *, title: str = "", limit: int = 12, color: str = PALETTE[0]) -> SafeString:
    """Horizontal bars: label, bar, value. rows: objects with label, count and url."""
    rows = list(rows)[:limit]
    if not rows:
        return mark_safe("")
    width, label_w, bar_h, gap = 640, 190, 22, 8
    height = len(rows) * (bar_h + gap) + gap
    biggest = max(row.count for row in rows) or 1
    parts = [f'<svg class="chart bar-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">']
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for i, row in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(2, (width - label_w - 70) * row.count / biggest)
        label = row.label if len(row.label) <= 14 else row.label[:13] + "…"
        bar = (f'<text x="{label_w - 8}" y="{y + bar_h * 0.72:.1f}" text-anchor="end" font-size="14">{escape(label)}'
               f'</text><rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{color}">'
               f"<title>{escape(row.label)}: {row.count}</title></rect>"
               f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.72:.1f}" font-size="14">{row.count:,}</text>')
        if getattr(row, "url", ""):
            bar = f'<a href="{escape(row.url)}" data-count="{row.count}">{bar}</a>'
        parts.append(bar)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def column_chart(rows, *, title: str = "", color: str = PALETTE[5]) -> SafeString:
    """Vertical columns over time (months), each a link."""
    rows = list(rows)
    if not rows:
        return mark_safe("")
    width, height, base, top = 720, 240, 200, 24
    step = width / len(rows)
    biggest = max(row.count for row in rows) or 1
    parts = [f'<svg class="chart column-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" preserveAspectRatio="xMinYMin meet">']
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    parts.append(f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#999"/>')
    for i, row in enumerate(rows):
        h = (base - top) * row.count / biggest
        x = i * step + step * 0.15
        col = (f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" fill="{color}">'
               f"<title>{escape(row.label)}: {row.count}</title></rect>"
               f'<text x="{x + step * 0.35:.1f}" y="{base - h - 5:.1f}" text-anchor="middle" font-size="13">'
               f"{row.count:,}</text>"
               f'<text x="{x + step * 0.35:.1f}" y="{base + 18}" text-anchor="middle" font-size="12">'
               f"{escape(row.label[-5:])}</text>")
        if getattr(row, "url", ""):
            col = f'<a href="{escape(row.url)}" data-count="{row.count}">{col}</a>'
        parts.append(col)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def echarts_data(key: str, title: str, rows, *, kind: str = "bar", limit: int = 15, color: str = PALETTE[0]) -> dict:
    """What dashboard.js draws for one chart: bars (label, value, the drill-through url)."""
    rows = list(rows)[:limit]
    return {"key": key, "title": str(title), "kind": kind, "color": color,
            "labels": [row.label for row in rows], "values": [row.count for row in rows],
            "urls": [getattr(row, "url", "") or "" for row in rows]}

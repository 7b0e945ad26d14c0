"""Staff pages of the insights app: the leaders' dashboard, rankings, hotspot map, repeat
places, report cards (page, PDF, Excel), the matters behind each number, and the page that
says how every figure is computed. Every number comes from insights.queries, which starts
from access.visible_matters: each page shows the viewer's scope only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.forms import add_action_error
from safeharbor.core.models import Area, Domain
from safeharbor.insights import actions, charts, exports, periods, queries, rollups
from safeharbor.insights.formatting import subject_kind_label
from safeharbor.insights.forms import WeightsForm
from safeharbor.insights.queries import Dims
from safeharbor.matters.models import Matter

BREAKDOWNS = ("source", "category", "domain", "area", "unit", "harbor")


def _breakdown_titles() -> dict[str, str]:
    return {"source": _("By channel"), "category": _("By category"), "domain": _("By domain"),
            "area": _("By area"), "unit": _("By responsible unit"), "harbor": _("By harbor")}


def _filters(request):
    period = periods.from_params(request.GET)
    dims = Dims.from_params(request.user, request.GET)
    return period, dims


def _filter_context(request, period, dims) -> dict:
    user = request.user
    return {
        "period": period,
        "dims": dims,
        "period_options": [("last30", _("Last 30 days")), ("month", _("This month")), ("year", _("This year"))],
        "areas": access.visible_areas(user).exclude(level__in=[Area.Level.GRID, Area.Level.COMPOUND]).order_by("path"),
        "categories": access.visible_categories(user).filter(active=True).order_by("sort_order", "code"),
        "domains": Domain.objects.all(),
        "sources": Matter.Source.choices,
        "query": request.GET.urlencode(),
    }


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{filename}\""
    return response


def _dashboard_data(request):
    period, dims = _filters(request)
    figures = queries.matter_figures(request.user, period, dims)
    figure_list = queries.figure_list(figures, period, dims)
    titles = _breakdown_titles()
    rows = queries.breakdowns(request.user, period, dims, BREAKDOWNS)
    breakdowns = {key: (titles[key], rows[key]) for key in BREAKDOWNS}
    trend = queries.monthly_trend(request.user, dims)
    return period, dims, figure_list, breakdowns, trend


def dashboard(request):
    period, dims, figure_list, breakdowns, trend = _dashboard_data(request)
    charts_ = [
        {"key": key, "title": title, "svg": charts.bar_chart(rows, title=title, color=charts.PALETTE[i]),
         "rows": rows, "height": max(160, 44 + 34 * min(len(rows), 15))}
        for i, (key, (title, rows)) in enumerate(breakdowns.items())
    ]
    trend_title = _("Matters received per month")
    chart_data = {
        "charts": [charts.echarts_data(c["key"], c["title"], c["rows"], color=charts.PALETTE[i])
                   for i, c in enumerate(charts_)],
        "trend": charts.echarts_data("trend", trend_title, trend, kind="column", limit=len(trend),
                                     color=charts.PALETTE[5]),
        "tooltip": _("matters"),
    }
    context = {
        "chart_data": chart_data,
        **_filter_context(request, period, dims),
        "figures": figure_list,
        "headline": [f for f in figure_list if f.key in queries.HEADLINE],
        "charts": charts_,
        "trend": trend,
        "trend_svg": charts.column_chart(trend, title=trend_title),
        "focus": queries.focus_area(request.user, dims),
        "my_figures": queries.my_figures(request.user) if request.user.unit_id else [],
        "rollups_pending": rollups.pending_count(),
    }
    return render(request, "insights/dashboard.html", context)


def dashboard_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    period, dims, figure_list, breakdowns, trend = _dashboard_data(request)
    stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "csv":
        rows = exports.figure_rows(figure_list)
        for _key, (title, brows) in breakdowns.items():
            rows += [[f"{title}: {r.label}", r.count, r.count, ""] for r in brows]
        return _download(exports.to_csv(exports.figure_headers(), rows), f"dashboard-{stamp}.csv", "text/csv")
    content = exports.dashboard_xlsx(_("Dashboard"), period.label, figure_list,
                                     {title: rows for title, rows in breakdowns.values()}, trend)
    return _download(content, f"dashboard-{stamp}.xlsx", exports.XLSX_TYPE)


def methods(request):
    return render(request, "insights/methods.html", {"weights": queries.current_weights(),
                                                     "basic": queries.BASIC_SATISFACTION_SCORE})


def _ranking_period(request):
    return periods.from_params(request.GET, default="month")


def rankings(request):
    period = _ranking_period(request)
    weights = queries.current_weights()
    tables = [
        ("area", _("Sub-districts and towns"), queries.ranking(request.user, period, "area", weights=weights)),
        ("unit", _("Member units"), queries.ranking(request.user, period, "unit", weights=weights)),
    ]
    form = WeightsForm(initial={"response": weights.response, "resolution": weights.resolution,
                                "satisfaction": weights.satisfaction})
    context = {"period": period, "tables": tables, "weights": weights, "form": form,
               "can_edit": access.is_admin(request.user), "previous": period.previous(),
               "month_value": period.key if len(period.key) == 7 else ""}
    return render(request, "insights/rankings.html", context)


def rankings_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    period = _ranking_period(request)
    tables = {_("Sub-districts and towns"): queries.ranking(request.user, period, "area"),
              _("Member units"): queries.ranking(request.user, period, "unit")}
    stamp = period.key or f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "csv":
        rows = []
        for title, table in tables.items():
            rows += [[title, *exports.ranking_row(r)] for r in table]
        content = exports.to_csv([_("Ranking"), *exports.ranking_headers()], rows)
        return _download(content, f"rankings-{stamp}.csv", "text/csv")
    return _download(exports.ranking_xlsx(tables), f"rankings-{stamp}.xlsx", exports.XLSX_TYPE)


@require_POST
def rankings_weights(request):
    if not access.is_admin(request.user):
        raise PermissionDenied
    form = WeightsForm(request.POST)
    if form.is_valid():
        try:
            actions.set_ranking_weights(actor=request.user, **form.cleaned_data)
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("The ranking weights were changed."))
            return redirect("insights:rankings")
    period = _ranking_period(request)
    weights = queries.current_weights()
    tables = [
        ("area", _("Sub-districts and towns"), queries.ranking(request.user, period, "area", weights=weights)),
        ("unit", _("Member units"), queries.ranking(request.user, period, "unit", weights=weights)),
    ]
    context = {"period": period, "tables": tables, "weights": weights, "form": form, "can_edit": True,
               "previous": period.previous(), "month_value": period.key if len(period.key) == 7 else ""}
    return render(request, "insights/rankings.html", context, status=400)


def hotspots(request):
    period, dims = _filters(request)
    geojson = queries.hotspot_map(request.user, period, dims)
    context = {
        **_filter_context(request, period, dims),
        "geojson": geojson,
        "top_grids": queries.grid_ranking(geojson),
        "places": queries.repeat_places(request.user, period, dims, limit=10),
    }
    return render(request, "insights/hotspots.html", context)


def hotspots_geojson(request):
    period, dims = _filters(request)
    return JsonResponse(queries.hotspot_map(request.user, period, dims), json_dumps_params={"ensure_ascii": False})


def places(request):
    period, dims = _filters(request)
    rows = queries.repeat_places(request.user, period, dims)
    if request.GET.get("format") == "csv":
        content = exports.to_csv(
            [_("Place"), _("Matters received"), _("Addresses"), _("Main categories")],
            [[p.place, p.count, "；".join(p.addresses), "；".join(p.categories)] for p in rows],
        )
        return _download(content, f"repeat-places-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv", "text/csv")
    return render(request, "insights/places.html", {**_filter_context(request, period, dims), "places": rows,
                                                    "minimum": queries.REPEAT_PLACE_MIN})


def figure_matters(request):
    period, dims = _filters(request)
    figure = request.GET.get("figure", "received")
    if figure not in queries.FIGURE_LABELS:
        figure = "received"
    matters = queries.figure_matters(request.user, figure, period, dims, q=(request.GET.get("q") or "")[:100])
    page = Paginator(matters, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {**_filter_context(request, period, dims), "figure": figure,
               "figure_label": queries.FIGURE_LABELS[figure], "page": page, "params": params.urlencode(),
               "q": request.GET.get("q", "")}
    return render(request, "insights/figure_matters.html", context)


def card_index(request):
    period = periods.from_params(request.GET, default="month")
    choices = queries.subject_choices(request.user)
    kinds = [(kind, subject_kind_label(kind), choices[kind]) for kind in ("area", "harbor", "unit", "domain")]
    return render(request, "insights/card_index.html", {"kinds": kinds, "period": period,
                                                        "period_query": _period_query(period)})


def _period_query(period) -> str:
    from urllib.parse import urlencode

    return urlencode(period.params())


def _card(request, kind, pk):
    subject = queries.get_subject(request.user, kind, pk)
    period = periods.from_params(request.GET, default="month")
    return queries.report_card(request.user, period, subject)


def card(request, kind, pk):
    card_ = _card(request, kind, pk)
    return render(request, "insights/card.html", {"card": card_, "period": card_.period,
                                                  "period_query": _period_query(card_.period),
                                                  "month_value": card_.period.key if len(card_.period.key) == 7
                                                  else ""})


def card_pdf(request, kind, pk):
    card_ = _card(request, kind, pk)
    return _download(exports.report_card_pdf(card_), f"report-card-{kind}-{pk}-{card_.period.key or 'range'}.pdf",
                     "application/pdf")


def card_xlsx(request, kind, pk):
    card_ = _card(request, kind, pk)
    return _download(exports.report_card_xlsx(card_), f"report-card-{kind}-{pk}-{card_.period.key or 'range'}.xlsx",
                     exports.XLSX_TYPE)


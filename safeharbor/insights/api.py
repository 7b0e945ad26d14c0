"""REST API of the insights app: the same figures as the pages, scoped the same way
(every number starts from access.visible_matters of the requesting user)."""

from dataclasses import asdict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor.insights import periods, queries
from safeharbor.insights.queries import Dims

PERIOD_PARAMS = [
    OpenApiParameter("period", str, description="YYYY-MM, YYYY, last30, month or year"),
    OpenApiParameter("date_from", OpenApiTypes.DATE), OpenApiParameter("date_to", OpenApiTypes.DATE),
]
DIM_PARAMS = [
    OpenApiParameter("area", int), OpenApiParameter("category", str), OpenApiParameter("domain", str),
    OpenApiParameter("unit", int), OpenApiParameter("harbor", int), OpenApiParameter("source", str),
]


def _period_json(period) -> dict:
    return {"start": period.start, "end": period.end, "label": period.label}


def _figures_json(figures) -> list[dict]:
    return [{"key": f.key, "label": f.label, "value": f.value, "kind": f.kind, "url": f.url} for f in figures]


class DashboardView(APIView):
    @extend_schema(parameters=PERIOD_PARAMS + DIM_PARAMS, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        period = periods.from_params(request.query_params)
        dims = Dims.from_params(request.user, request.query_params)
        figures = queries.matter_figures(request.user, period, dims)
        breakdowns = queries.breakdowns(request.user, period, dims)  # one grouped read for all six
        return Response({
            "period": _period_json(period),
            "figures": figures.as_dict(),
            "breakdowns": {
                key: [{"key": r.key, "label": r.label, "count": r.count} for r in rows]
                for key, rows in breakdowns.items()
            },
        })


class RankingView(APIView):
    @extend_schema(parameters=PERIOD_PARAMS + [OpenApiParameter("kind", str, enum=["area", "unit"])],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        period = periods.from_params(request.query_params, default="month")
        kind = "unit" if request.query_params.get("kind") == "unit" else "area"
        rows = queries.ranking(request.user, period, kind)
        weights = queries.current_weights()
        return Response({
            "period": _period_json(period), "kind": kind, "weights": asdict(weights),
            "rows": [{**{k: v for k, v in asdict(r).items()}, "rank_change": r.rank_change,
                      "composite_change": r.composite_change} for r in rows],
        })


class HotspotView(APIView):
    @extend_schema(parameters=PERIOD_PARAMS + DIM_PARAMS, responses=OpenApiTypes.OBJECT)
    def get(self, request):
        period = periods.from_params(request.query_params)
        dims = Dims.from_params(request.user, request.query_params)
        return Response(queries.hotspot_map(request.user, period, dims))


class ReportCardView(APIView):
    @extend_schema(parameters=PERIOD_PARAMS, responses=OpenApiTypes.OBJECT)
    def get(self, request, kind: str, pk: int):
        subject = queries.get_subject(request.user, kind, pk)
        period = periods.from_params(request.query_params, default="month")
        card = queries.report_card(request.user, period, subject)
        return Response({
            "subject": {"kind": kind, "id": pk, "name": subject.name},
            "period": _period_json(period),
            "sections": [{"key": s.key, "label": s.label, "error": s.error, "figures": _figures_json(s.figures)}
                         for s in card.sections],
        })

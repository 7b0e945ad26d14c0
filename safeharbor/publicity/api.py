"""REST API of legal publicity: the library, activities (list, detail, record) and figures."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor.core import access
from safeharbor.core.models import Area, Harbor, Unit
from safeharbor.matters.api import ERRORS
from safeharbor.publicity import actions, queries
from safeharbor.publicity.models import Activity, Material


class MaterialSerializer(serializers.ModelSerializer):
    owner_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Material
        fields = ["id", "code", "title", "kind", "topic", "audience", "summary", "valid_from", "valid_until",
                  "owner_unit", "published"]


class ActivitySerializer(serializers.ModelSerializer):
    organizer = serializers.SlugRelatedField(slug_field="code", read_only=True)
    harbor = serializers.SlugRelatedField(slug_field="code", read_only=True)
    copies = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "title", "venue", "held_on", "place", "area", "organizer", "harbor", "campaign", "audience",
                  "audience_size", "notes", "copies"]

    def get_copies(self, activity) -> dict:
        return {d.material.code: d.copies for d in activity.distributions.select_related("material")}


class ActivityInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    venue = serializers.ChoiceField(choices=Activity.Venue.choices)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())
    organizer = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.filter(active=True))
    harbor = serializers.SlugRelatedField(slug_field="code", queryset=Harbor.objects.all(), required=False,
                                          allow_null=True)
    audience = serializers.CharField(max_length=200)
    audience_size = serializers.IntegerField(min_value=0)
    notes = serializers.CharField(required=False, allow_blank=True)
    copies = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False,
                                   help_text="{material code: copies}")


@extend_schema(tags=["publicity"])
class MaterialList(generics.ListAPIView):
    serializer_class = MaterialSerializer

    def get_queryset(self):
        return access.visible_materials(self.request.user).select_related("owner_unit")


@extend_schema(tags=["publicity"])
class ActivityList(generics.ListAPIView):
    serializer_class = ActivitySerializer

    def get_queryset(self):
        return access.visible_activities(self.request.user).select_related("organizer", "harbor")

    @extend_schema(operation_id="publicity_activities_create", request=ActivityInputSerializer,
                   responses={201: ActivitySerializer, **ERRORS})
    def post(self, request):
        data = ActivityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        codes = values.pop("copies", {}) or {}
        materials = {m.code: m for m in access.visible_materials(request.user).filter(code__in=codes)}
        unknown = sorted(set(codes) - set(materials))
        if unknown:
            return Response({"message": "unknown material", "extra": {"field": "copies", "codes": unknown}},
                            status=status.HTTP_400_BAD_REQUEST)
        activity = actions.record_activity(actor=request.user, copies={materials[c]: n for c, n in codes.items()},
                                           **values)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["publicity"])
class ActivityDetail(generics.RetrieveAPIView):
    serializer_class = ActivitySerializer

    def get_queryset(self):
        return access.visible_activities(self.request.user)


class FigureSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    activities = serializers.IntegerField()
    people = serializers.IntegerField()
    copies = serializers.IntegerField()


@extend_schema(tags=["publicity"])
class Figures(APIView):
    @extend_schema(operation_id="publicity_figures", responses={200: FigureSerializer(many=True)}, parameters=[
        OpenApiParameter("by", OpenApiTypes.STR, enum=list(queries.GROUPS)),
        OpenApiParameter("start", OpenApiTypes.DATE), OpenApiParameter("end", OpenApiTypes.DATE)])
    def get(self, request):
        dates = {}
        for name in ("start", "end"):
            value = request.query_params.get(name)
            if value:
                field = serializers.DateField()
                dates[name] = field.run_validation(value)
        rows = queries.figures(request.user, by=request.query_params.get("by", "unit"), **dates)
        return Response(FigureSerializer(rows, many=True).data)

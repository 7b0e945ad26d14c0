"""Read API for the organization model, scoped like the pages."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from safeharbor.core import access
from safeharbor.core.errors import ActionError
from safeharbor.core.models import Area, Category, Harbor, Port, Unit


def exception_handler(exc, context):
    """ActionError becomes {"message": ..., "extra": {...}}; DRF's own errors keep their shape
    with a readable "message" added."""
    if isinstance(exc, ActionError):
        return Response({"message": str(exc.message), "extra": exc.extra}, status=exc.status_code)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "message" not in response.data:
        detail = response.data.get("detail")
        # An error about no field in particular (wrong password, ...) is the message itself.
        non_field = response.data.get("non_field_errors")
        if not detail and isinstance(non_field, list) and non_field:
            detail = non_field[0]
        response.data = {
            "message": str(detail) if detail else _("Please correct the fields named in “extra”."),
            "extra": {k: v for k, v in response.data.items() if k != "detail"},
        }
    return response


class AreaSerializer(serializers.ModelSerializer):
    parent_path = serializers.SerializerMethodField(help_text="materialized path of the parent area")

    class Meta:
        model = Area
        fields = ["id", "code", "name", "level", "depth", "path", "parent_path", "geometry"]

    def get_parent_path(self, obj) -> str | None:
        return obj.path[: -Area.steplen] or None


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name_zh", "name_en", "kind", "area", "phone", "active"]


class CategorySerializer(serializers.ModelSerializer):
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True)
    default_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "code", "name_zh", "name_en", "domain", "default_unit", "accept_days", "resolve_days", "active"]


class PortSerializer(serializers.ModelSerializer):
    owner_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Port
        fields = ["id", "kind", "name", "owner_unit", "description", "hotline_name", "hotline_number"]


class HarborSerializer(serializers.ModelSerializer):
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True)
    host_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    ports = PortSerializer(many=True, read_only=True)

    class Meta:
        model = Harbor
        fields = [
            "id", "code", "name", "domain", "area", "host_unit", "address", "opening_hours", "phone",
            "description", "lat", "lon", "active", "ports",
        ]


class ScopedListView(generics.ListAPIView):
    """List over a visible_* queryset. Subclasses set `visible` and `serializer_class`."""

    visible = None

    def get_queryset(self):
        return type(self).visible(self.request.user)


class ScopedDetailView(generics.RetrieveAPIView):
    visible = None

    def get_queryset(self):
        return type(self).visible(self.request.user)


class AreaList(ScopedListView):
    serializer_class = AreaSerializer
    visible = staticmethod(lambda user: access.visible_areas(user).order_by("path"))


class AreaDetail(ScopedDetailView):
    serializer_class = AreaSerializer
    visible = staticmethod(access.visible_areas)


class UnitList(ScopedListView):
    serializer_class = UnitSerializer
    visible = staticmethod(lambda user: access.visible_units(user).order_by("sort_order", "code"))


class UnitDetail(ScopedDetailView):
    serializer_class = UnitSerializer
    visible = staticmethod(access.visible_units)


class CategoryList(ScopedListView):
    serializer_class = CategorySerializer
    visible = staticmethod(
        lambda user: access.visible_categories(user).select_related("domain", "default_unit").order_by("sort_order")
    )


class CategoryDetail(ScopedDetailView):
    serializer_class = CategorySerializer
    visible = staticmethod(lambda user: access.visible_categories(user).select_related("domain", "default_unit"))


def _harbors(user):
    return access.visible_harbors(user).select_related("domain", "host_unit").prefetch_related("ports__owner_unit")


class HarborList(ScopedListView):
    serializer_class = HarborSerializer
    visible = staticmethod(lambda user: _harbors(user).order_by("domain__sort_order", "name"))


class HarborDetail(ScopedDetailView):
    serializer_class = HarborSerializer
    visible = staticmethod(_harbors)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (lockout rules apply)."""

    @extend_schema(responses={200: TokenResponseSerializer}, auth=[])
    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes flags the request it saw, DRF's own, so AxesMiddleware never turns
            # it into the lockout answer: say so here instead of "wrong password".
            if getattr(request, "axes_locked_out", False):
                raise ActionError(_("Too many failed log-in attempts"), status_code=status.HTTP_429_TOO_MANY_REQUESTS)
            raise serializers.ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key}, status=status.HTTP_200_OK)

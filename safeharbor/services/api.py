"""REST API of the services app: reads over the visible_* querysets, one small view per
action calling the same actions.* function as the pages. Personal data is masked."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor.core import access
from safeharbor.core.models import masked
from safeharbor.services import actions, queries
from safeharbor.services.models import Application, DutySlot, Event, HotlineCall, Service


class ServiceSerializer(serializers.ModelSerializer):
    harbor = serializers.CharField(source="harbor.code", read_only=True)
    port = serializers.CharField(source="port.kind", read_only=True, default=None)
    provider_unit = serializers.CharField(source="provider_unit.code", read_only=True)

    class Meta:
        model = Service
        fields = ["id", "code", "name", "harbor", "port", "provider_unit", "eligibility", "materials",
                  "time_limit_days", "outcome", "online", "active"]


class ApplicationSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service.code", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    harbor = serializers.CharField(source="harbor.code", read_only=True)
    port = serializers.CharField(source="port.kind", read_only=True, default=None)
    matter = serializers.CharField(source="matter.tracking_code", read_only=True, default=None)
    applicant_name = serializers.SerializerMethodField()
    applicant_phone = serializers.SerializerMethodField()
    missing_materials = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Application
        fields = ["id", "tracking_code", "service", "service_name", "harbor", "port", "channel", "status",
                  "applicant_name", "applicant_phone", "details", "materials_received", "missing_materials",
                  "created_at", "due_at", "paused_at", "decided_at", "decision_note", "delivered_at",
                  "certificate_number", "employer", "job_title", "matter"]

    def get_applicant_name(self, obj) -> str:
        return masked(obj, "applicant_name")

    def get_applicant_phone(self, obj) -> str:
        return masked(obj, "applicant_phone")


class ServiceList(generics.ListAPIView):
    serializer_class = ServiceSerializer

    def get_queryset(self):
        return access.visible_services(self.request.user).select_related("harbor", "port", "provider_unit")


class ApplicationList(generics.ListAPIView):
    serializer_class = ApplicationSerializer

    @extend_schema(parameters=[OpenApiParameter("status", str, description="a status, or `open`")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return queries.application_queue(self.request.user, status=self.request.query_params.get("status", ""))


class ApplicationDetail(generics.RetrieveAPIView):
    serializer_class = ApplicationSerializer

    def get_queryset(self):
        return access.visible_applications(self.request.user).select_related("service", "harbor", "port", "matter")


class MaterialsInput(serializers.Serializer):
    materials = serializers.ListField(child=serializers.CharField(max_length=100))


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class DecideInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    event = serializers.IntegerField(required=False, allow_null=True, default=None)


class DeliverInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    employer = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    job_title = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")


class _ApplicationAction(APIView):
    input_class = None

    def load(self, request, pk):
        app = access.get_visible_or_404(access.visible_applications(request.user), pk=pk)
        data = {}
        if self.input_class is not None:
            serializer = self.input_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        return app, data

    def done(self, app):
        app.refresh_from_db()
        return Response(ApplicationSerializer(app).data)


class ApplicationReview(_ApplicationAction):
    @extend_schema(request=None, responses=ApplicationSerializer, summary="审核: start the review")
    def post(self, request, pk):
        app, _data = self.load(request, pk)
        actions.start_review(app, actor=request.user)
        return self.done(app)


class ApplicationMaterials(_ApplicationAction):
    input_class = MaterialsInput

    @extend_schema(request=MaterialsInput, responses=ApplicationSerializer, summary="Tick the materials received")
    def post(self, request, pk):
        app, data = self.load(request, pk)
        actions.record_materials(app, actor=request.user, received=data["materials"])
        return self.done(app)


class ApplicationRequestMaterials(_ApplicationAction):
    input_class = NoteInput

    @extend_schema(request=NoteInput, responses=ApplicationSerializer, summary="补正: ask for missing materials")
    def post(self, request, pk):
        app, data = self.load(request, pk)
        actions.request_materials(app, actor=request.user, note=data["note"])
        return self.done(app)


class ApplicationDecide(_ApplicationAction):
    input_class = DecideInput

    @extend_schema(request=DecideInput, responses=ApplicationSerializer, summary="Approve or refuse")
    def post(self, request, pk):
        app, data = self.load(request, pk)
        event = None
        if data.get("event"):
            event = access.get_visible_or_404(access.visible_events(request.user), pk=data["event"])
        actions.decide_application(app, actor=request.user, approve=data["approve"], note=data["note"], event=event)
        return self.done(app)


class ApplicationDeliver(_ApplicationAction):
    input_class = DeliverInput

    @extend_schema(request=DeliverInput, responses=ApplicationSerializer, summary="办结: deliver the outcome")
    def post(self, request, pk):
        app, data = self.load(request, pk)
        actions.deliver_application(app, actor=request.user, **data)
        return self.done(app)


class EventSerializer(serializers.ModelSerializer):
    harbor = serializers.CharField(source="harbor.code", read_only=True)
    port = serializers.CharField(source="port.kind", read_only=True, default=None)
    enrolled = serializers.SerializerMethodField()
    attended = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "title", "kind", "harbor", "port", "by_rotation", "trainers", "starts_at", "ends_at",
                  "place", "capacity", "is_training", "public", "enrolled", "attended"]

    def get_enrolled(self, obj) -> int:
        return obj.enrollments.count()

    def get_attended(self, obj) -> int:
        return obj.enrollments.filter(checked_in_at__isnull=False).count()


class EventList(generics.ListAPIView):
    serializer_class = EventSerializer

    def get_queryset(self):
        return access.visible_events(self.request.user).select_related("harbor", "port")


class CheckInInput(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class EventCheckIn(APIView):
    @extend_schema(request=CheckInInput, responses=EventSerializer, summary="签到 at the door (staff)")
    def post(self, request, pk):
        event = access.get_visible_or_404(access.visible_events(request.user), pk=pk)
        serializer = CheckInInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.check_in(event, actor=request.user, **serializer.validated_data)
        return Response(EventSerializer(event).data)


class HotlineCallSerializer(serializers.ModelSerializer):
    port = serializers.CharField(source="port.kind", read_only=True)
    matter = serializers.CharField(source="matter.tracking_code", read_only=True)
    repeat = serializers.SerializerMethodField()

    class Meta:
        model = HotlineCall
        fields = ["id", "port", "matter", "at", "repeat"]

    def get_repeat(self, obj) -> bool:
        return obj.repeat_of_id is not None


class HotlineCallList(generics.ListAPIView):
    serializer_class = HotlineCallSerializer

    def get_queryset(self):
        return access.visible_hotline_calls(self.request.user).select_related("port", "matter")


class SlotSerializer(serializers.ModelSerializer):
    port = serializers.CharField(source="port.name", read_only=True)

    class Meta:
        model = DutySlot
        fields = ["id", "date", "kind", "port"]


class RosterSlots(generics.ListAPIView):
    serializer_class = SlotSerializer

    def get_queryset(self):
        roster = access.get_visible_or_404(access.visible_rosters(self.request.user), pk=self.kwargs["pk"])
        return roster.slots.select_related("port")


class FiguresSerializer(serializers.Serializer):
    applications = serializers.IntegerField()
    certified = serializers.IntegerField()
    placed = serializers.IntegerField()
    refused = serializers.IntegerField()
    events = serializers.IntegerField()
    trainings = serializers.IntegerField()
    enrolled = serializers.IntegerField()
    attended = serializers.IntegerField()
    trained = serializers.IntegerField()
    hotline_calls = serializers.IntegerField()
    repeat_callers = serializers.IntegerField()
    by_service = serializers.ListField(child=serializers.DictField())
    aid = serializers.ListField(child=serializers.DictField())


class Figures(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("harbor", int), OpenApiParameter("port", int),
                    OpenApiParameter("start", str, description="YYYY-MM-DD"),
                    OpenApiParameter("end", str, description="YYYY-MM-DD")],
        responses=FiguresSerializer, summary="Report-card figures of a harbor or port for a period",
    )
    def get(self, request):
        from safeharbor.services.forms import ReportForm

        form = ReportForm(request.query_params, user=request.user)
        if not form.is_valid():
            return Response({"message": "bad parameters", "extra": form.errors}, status=400)
        data = form.cleaned_data
        figures = queries.report_figures(request.user, harbor=data.get("harbor"), port=data.get("port"),
                                         start=data.get("start"), end=data.get("end"))
        for row in figures["aid"]:
            row["total"] = str(row["total"])
        return Response(FiguresSerializer(figures).data)

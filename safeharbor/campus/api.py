"""REST API of the campus app: the same scopes and actions as the pages.

Psychology: everybody who sees a school gets the aggregate figures (small counts
suppressed); individual records only through /api/campus/psych-cases/, scoped by
access.visible_psych_cases, every read audited, refused reads audited too (and 404).
There is no export of individual records.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor.campus import actions, queries
from safeharbor.campus.models import GuardShift, Hazard, Incident, PsychCase
from safeharbor.core import access
from safeharbor.core.models import School, masked
from safeharbor.core.views import client_ip


class SchoolSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="unit.name_zh", read_only=True)
    area = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = School
        fields = ["id", "name", "area", "address", "stage", "class_count", "student_count"]


class SchoolList(generics.ListAPIView):
    serializer_class = SchoolSerializer

    def get_queryset(self):
        return queries.school_list(self.request.user)


class ReportCardSerializer(serializers.Serializer):
    school = SchoolSerializer()
    days_without_accident = serializers.IntegerField()
    days_without_crime = serializers.IntegerField()
    accidents_this_year = serializers.IntegerField()
    crimes_this_year = serializers.IntegerField()
    hazards_open = serializers.IntegerField()
    hazards_rectified = serializers.IntegerField()
    hazards_recurring = serializers.IntegerField()
    decisions_open = serializers.IntegerField()
    decisions_overdue = serializers.IntegerField()
    lesson_coverage = serializers.IntegerField(allow_null=True)
    monitor_gaps = serializers.IntegerField()
    guard_sign_in_rate = serializers.IntegerField(allow_null=True)
    uncovered_next_week = serializers.IntegerField()
    psych_open_by_risk = serializers.DictField(child=serializers.CharField(),
                                               help_text="Counts below 5 are given as \"<5\".")


class SchoolReportCard(APIView):
    @extend_schema(responses=ReportCardSerializer)
    def get(self, request, pk):
        school = queries.get_school(request.user, pk)
        card = queries.report_card(request.user, school)
        by_risk = dict(zip(PsychCase.Risk.values, (n for _label, n in card["psych"]["by_risk"]), strict=True))
        data = {
            "school": school, **{k: card["safety"][k] for k in (
                "days_without_accident", "days_without_crime", "accidents_this_year", "crimes_this_year")},
            **{k: card[k] for k in ("hazards_open", "hazards_rectified", "hazards_recurring", "decisions_open",
                                    "decisions_overdue", "lesson_coverage", "monitor_gaps", "uncovered_next_week")},
            "guard_sign_in_rate": card["guards"]["rate"], "psych_open_by_risk": by_risk,
        }
        return Response(ReportCardSerializer(data).data)


class HazardSerializer(serializers.ModelSerializer):
    tracking_code = serializers.CharField(source="matter.tracking_code", read_only=True)
    matter_status = serializers.CharField(source="matter.status", read_only=True)
    unit = serializers.CharField(source="matter.unit.code", read_only=True, default=None)
    recurring = serializers.BooleanField(read_only=True)

    class Meta:
        model = Hazard
        fields = ["id", "school", "kind", "description", "address", "lat", "lon", "distance_m", "via", "status",
                  "recurring", "recurrence_of", "tracking_code", "matter_status", "unit", "reported_at", "closed_at"]
        read_only_fields = ["distance_m", "via", "status", "recurrence_of", "reported_at", "closed_at"]


class HazardInput(serializers.Serializer):
    school = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Hazard.Kind.choices)
    description = serializers.CharField(max_length=5000)
    address = serializers.CharField(max_length=200, required=False, default="")
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    lon = serializers.FloatField(required=False, allow_null=True, default=None)


class HazardList(generics.ListAPIView):
    serializer_class = HazardSerializer

    def get_queryset(self):
        qs = access.visible_hazards(self.request.user).select_related("matter", "matter__unit")
        school = self.request.query_params.get("school")
        return qs.filter(school_id=school) if school and school.isdigit() else qs

    @extend_schema(request=HazardInput, responses={201: HazardSerializer})
    def post(self, request):
        data = HazardInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        school = queries.get_school(request.user, values.pop("school"))
        hazard = actions.report_hazard(school, actor=request.user, **values)
        return Response(HazardSerializer(hazard).data, status=status.HTTP_201_CREATED)


class HazardDetail(generics.RetrieveAPIView):
    serializer_class = HazardSerializer

    def get_queryset(self):
        return access.visible_hazards(self.request.user).select_related("matter", "matter__unit")


class InspectionInput(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(max_length=2000)


class HazardReinspect(APIView):
    @extend_schema(request=InspectionInput, responses=HazardSerializer)
    def post(self, request, pk):
        hazard = queries.get_hazard(request.user, pk)
        data = InspectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        actions.reinspect_hazard(hazard, actor=request.user, **data.validated_data)
        hazard.refresh_from_db()
        return Response(HazardSerializer(hazard).data)


class IncidentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Incident
        fields = ["id", "school", "kind", "severity", "occurred_at", "place", "description", "safety_accident",
                  "crime_case"]


class IncidentInput(serializers.Serializer):
    school = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Incident.Kind.choices)
    severity = serializers.ChoiceField(choices=Incident.Severity.choices)
    occurred_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, default="")
    description = serializers.CharField(max_length=5000)
    safety_accident = serializers.BooleanField(required=False, allow_null=True, default=None)
    crime_case = serializers.BooleanField(required=False, allow_null=True, default=None)


class IncidentList(generics.ListAPIView):
    serializer_class = IncidentSerializer

    def get_queryset(self):
        return access.visible_campus(self.request.user, Incident)

    @extend_schema(request=IncidentInput, responses={201: IncidentSerializer})
    def post(self, request):
        data = IncidentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        school = queries.get_school(request.user, values.pop("school"))
        incident = actions.record_incident(school, actor=request.user, **values)
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)


class ShiftSerializer(serializers.ModelSerializer):
    gate = serializers.CharField(source="gate.name")
    needed = serializers.IntegerField(source="gate.people_per_slot")
    assigned = serializers.SerializerMethodField()
    signed_in = serializers.SerializerMethodField()

    class Meta:
        model = GuardShift
        fields = ["id", "gate", "date", "slot", "needed", "assigned", "signed_in", "flagged_at"]

    def get_assigned(self, obj) -> int:
        return len(obj.duties.all())

    def get_signed_in(self, obj) -> int:
        return sum(1 for d in obj.duties.all() if d.signed_in_at)


class ShiftList(generics.ListAPIView):
    """Guard shifts of the schools in scope; `?date=YYYY-MM-DD`, `?uncovered=1`."""

    serializer_class = ShiftSerializer

    def get_queryset(self):
        from django.db.models import Count, F

        schools = access.visible_campus_schools(self.request.user).values("pk")
        qs = GuardShift.objects.filter(gate__school__in=schools).select_related("gate").prefetch_related("duties")
        day = self.request.query_params.get("date")
        if day:
            qs = qs.filter(date=day)
        if self.request.query_params.get("uncovered"):
            qs = qs.annotate(n=Count("duties")).filter(n__lt=F("gate__people_per_slot"))
        return qs.order_by("date", "gate__name", "slot")


class PsychSummarySerializer(serializers.Serializer):
    open = serializers.CharField(help_text="Counts below 5 are given as \"<5\".")
    this_year = serializers.CharField()
    by_risk = serializers.DictField(child=serializers.CharField())
    by_kind = serializers.DictField(child=serializers.CharField())


class PsychSummary(APIView):
    """Aggregates for everybody who sees the school: counts under 5 given as "<5"."""

    @extend_schema(responses=PsychSummarySerializer)
    def get(self, request, pk):
        school = queries.get_school(request.user, pk)
        summary = queries.psych_summary(school)
        return Response({
            "open": summary["open"], "this_year": summary["this_year"],
            "by_risk": dict(zip(PsychCase.Risk.values, (n for _l, n in summary["by_risk"]), strict=True)),
            "by_kind": dict(zip(PsychCase.Kind.values, (n for _l, n in summary["by_kind"]), strict=True)),
        })


class PsychCaseSerializer(serializers.ModelSerializer):
    """Names and phone masked even here: the full value only through the audited reveal."""

    school_class = serializers.CharField(source="school_class.__str__")
    student_name = serializers.SerializerMethodField()
    guardian_name = serializers.SerializerMethodField()
    guardian_phone = serializers.SerializerMethodField()

    class Meta:
        model = PsychCase
        fields = ["id", "school", "school_class", "kind", "risk", "source", "status", "student_name", "concern",
                  "safety_plan", "guardian_name", "guardian_phone", "guardian_consent", "referral", "referred_on",
                  "next_follow_up", "opened_at", "closed_at"]

    def get_student_name(self, obj) -> str:
        return masked(obj, "student_name")

    def get_guardian_name(self, obj) -> str:
        return masked(obj, "guardian_name")

    def get_guardian_phone(self, obj) -> str:
        return masked(obj, "guardian_phone")


class PsychCaseList(generics.ListAPIView):
    serializer_class = PsychCaseSerializer

    def get_queryset(self):
        from safeharbor.core.actions import record_audit
        from safeharbor.core.models import AuditLog

        user = self.request.user
        qs = access.visible_psych_cases(user).select_related("school_class__grade")
        if qs.exists():  # an empty list reveals nothing; any other list read is recorded
            record_audit(actor=user, action=AuditLog.Action.REVEAL, target_type="campus.psychcase", target_id="*",
                         field="list", reason="API", ip=client_ip(self.request))
        return qs.order_by("-opened_at")


class PsychCaseDetail(APIView):
    @extend_schema(responses=PsychCaseSerializer)
    def get(self, request, pk):
        case = queries.read_case(request.user, pk, ip=client_ip(request))
        return Response(PsychCaseSerializer(case).data)

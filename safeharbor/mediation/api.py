"""REST API of people's mediation: lists and details over the visible_* querysets, and one
small view per action calling the same actions.* function as the pages. Personal data of
the parties comes out masked."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor.core import access
from safeharbor.core.models import Area, Harbor, Unit, User, masked
from safeharbor.matters.api import ERRORS, ScopedPrimaryKeyField, ScopedSlugField
from safeharbor.matters.models import Matter
from safeharbor.mediation import actions, queries
from safeharbor.mediation.models import Agreement, Case, Committee, Party


class PartySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(help_text="masked: 王**")
    id_number = serializers.SerializerMethodField(help_text="masked")
    phone = serializers.SerializerMethodField(help_text="masked: 138****5678")

    class Meta:
        model = Party
        fields = ["id", "kind", "role", "name", "id_number", "phone", "gender", "age", "consent"]

    def get_name(self, obj) -> str:
        return masked(obj, "name")

    def get_id_number(self, obj) -> str:
        return masked(obj, "id_number")

    def get_phone(self, obj) -> str:
        return masked(obj, "phone")


class AgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["form", "facts", "responsibilities", "content", "performance_method", "performance_deadline",
                  "signed_on"]


class CaseSerializer(serializers.ModelSerializer):
    committee = serializers.SlugRelatedField(slug_field="name", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    matter = serializers.SlugRelatedField(slug_field="tracking_code", read_only=True)
    mediators = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    joint_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    risk_flags = serializers.ListField(child=serializers.CharField(), read_only=True)
    parties = PartySerializer(many=True, read_only=True)
    agreement = AgreementSerializer(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "title", "kind", "source", "status", "facts", "claims", "amount", "area",
                  "area_name", "harbor", "matter", "committee", "mediators", "joint_units", "risk_level",
                  "risk_flags", "risk_note", "created_at", "accepted_at", "due_at", "concluded_at", "archived_at",
                  "guidance", "guidance_note", "performance", "confirmation", "parties", "agreement"]


class CommitteeSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    time_limit_workdays = serializers.SerializerMethodField()

    class Meta:
        model = Committee
        fields = ["id", "name", "level", "specialty", "area", "area_name", "number_prefix", "phone", "address",
                  "active", "time_limit_workdays"]

    def get_time_limit_workdays(self, obj) -> int:
        return actions.time_limit(obj.level)


class CaseList(generics.ListAPIView):
    serializer_class = CaseSerializer

    def get_queryset(self):
        params = self.request.query_params
        return queries.case_list(self.request.user, status=params.get("status", ""), kind=params.get("kind", ""),
                                 risk=params.get("risk", ""), q=params.get("q", "")).prefetch_related(
            "parties", "mediators", "joint_units")


class CaseDetail(generics.RetrieveAPIView):
    serializer_class = CaseSerializer

    def get_queryset(self):
        return access.visible_mediation_cases(self.request.user)


class CommitteeList(generics.ListAPIView):
    serializer_class = CommitteeSerializer

    def get_queryset(self):
        return queries.committees_for(self.request.user)


# --- writes --------------------------------------------------------------------------------


class PartyInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Party.Kind.choices, default=Party.Kind.PERSON)
    role = serializers.ChoiceField(choices=Party.Role.choices, default=Party.Role.APPLICANT)
    name = serializers.CharField(max_length=100)
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    gender = serializers.ChoiceField(choices=Party.Gender.choices, required=False, default="")
    age = serializers.IntegerField(required=False, allow_null=True, default=None)


class CaseInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Case.Kind.choices)
    title = serializers.CharField(max_length=200)
    facts = serializers.CharField()
    claims = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True, default=None)
    source = serializers.ChoiceField(choices=Case.Source.choices, default=Case.Source.APPLICATION)
    area = ScopedPrimaryKeyField(access.visible_areas, queryset=Area.objects.none(), required=False, default=None)
    harbor = ScopedPrimaryKeyField(access.visible_harbors, queryset=Harbor.objects.none(), required=False,
                                   default=None)
    matter = ScopedSlugField(access.visible_matters, slug_field="tracking_code", queryset=Matter.objects.none(),
                             required=False, default=None)
    risk_level = serializers.ChoiceField(choices=Case.Risk.choices, default=Case.Risk.LOW)
    risk_violence = serializers.BooleanField(default=False)
    risk_group = serializers.BooleanField(default=False)
    risk_vulnerable = serializers.BooleanField(default=False)
    risk_note = serializers.CharField(required=False, allow_blank=True, default="")
    parties = PartyInput(many=True, required=False, default=list)


class CaseCreate(APIView):
    @extend_schema(request=CaseInput, responses={201: CaseSerializer, **ERRORS})
    def post(self, request):
        data = CaseInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        case = actions.register_case(actor=request.user, **data.validated_data)
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


class _CaseAction(APIView):
    input_class: type = serializers.Serializer

    def case(self, request, pk):
        return access.get_visible_or_404(access.visible_mediation_cases(request.user), pk=pk)

    def post(self, request, pk):
        case = self.case(request, pk)
        data = self.input_class(data=request.data, context={"request": request, "case": case})
        data.is_valid(raise_exception=True)
        self.run(case, request.user, dict(data.validated_data))
        return Response(CaseSerializer(access.visible_mediation_cases(request.user).get(pk=pk)).data)


class RiskInput(serializers.Serializer):
    level = serializers.ChoiceField(choices=Case.Risk.choices)
    violence = serializers.BooleanField(default=False)
    group = serializers.BooleanField(default=False)
    vulnerable = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseRisk(_CaseAction):
    input_class = RiskInput

    @extend_schema(request=RiskInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        actions.assess_risk(case, actor=user, **data)


class AcceptInput(serializers.Serializer):
    committee = ScopedPrimaryKeyField(access.visible_mediation_committees, queryset=Committee.objects.none())
    mediators = serializers.SlugRelatedField(slug_field="username", many=True,
                                             queryset=User.objects.filter(role=User.Role.MEDIATOR))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseAccept(_CaseAction):
    input_class = AcceptInput

    @extend_schema(request=AcceptInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        actions.accept_case(case, actor=user, **data)


class ConsentInput(serializers.Serializer):
    party = serializers.IntegerField()
    agrees = serializers.BooleanField()


class CaseConsent(_CaseAction):
    input_class = ConsentInput

    @extend_schema(request=ConsentInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        party = access.get_visible_or_404(case.parties.all(), pk=data["party"])
        actions.record_consent(case, actor=user, party=party, agrees=data["agrees"])


class SessionInput(serializers.Serializer):
    held_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    participants = serializers.CharField()
    record = serializers.CharField()
    joint_units = ScopedSlugField(access.visible_units, slug_field="code", many=True, queryset=Unit.objects.none(),
                                  required=False, default=list)


class CaseSession(_CaseAction):
    input_class = SessionInput

    @extend_schema(request=SessionInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        actions.record_session(case, actor=user, **data)


class AgreementInput(serializers.Serializer):
    form = serializers.ChoiceField(choices=Agreement.Form.choices, default=Agreement.Form.WRITTEN)
    parties = serializers.ListField(child=serializers.IntegerField(), help_text="ids of the parties bound by it")
    facts = serializers.CharField()
    responsibilities = serializers.CharField()
    content = serializers.CharField()
    performance_method = serializers.CharField()
    performance_deadline = serializers.DateField()
    signed_on = serializers.DateField(required=False, default=None)


class CaseAgreement(_CaseAction):
    input_class = AgreementInput

    @extend_schema(request=AgreementInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        data["parties"] = list(case.parties.filter(pk__in=data["parties"]))
        actions.record_agreement(case, actor=user, **data)


class GuidanceInput(serializers.Serializer):
    reason = serializers.CharField()
    guidance = serializers.ChoiceField(choices=Case.Guidance.choices)
    guidance_note = serializers.CharField()


class CaseFailure(_CaseAction):
    input_class = GuidanceInput

    @extend_schema(request=GuidanceInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        actions.record_failure(case, actor=user, **data)


class EscalateInput(serializers.Serializer):
    reason = serializers.CharField()


class CaseEscalate(_CaseAction):
    input_class = EscalateInput

    @extend_schema(request=EscalateInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        actions.escalate_case(case, actor=user, **data)


class VisitInput(serializers.Serializer):
    visited_on = serializers.DateField()
    result = serializers.ChoiceField(choices=[c for c in Case.Performance.choices if c[0]])
    note = serializers.CharField()
    next_step = serializers.ChoiceField(choices=["", "reopen", "guide"], required=False, default="")


class CaseVisit(_CaseAction):
    input_class = VisitInput

    @extend_schema(request=VisitInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        actions.record_visit(case, actor=user, **data)


class ArchiveInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseArchive(_CaseAction):
    input_class = ArchiveInput

    @extend_schema(request=ArchiveInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        actions.archive_case(case, actor=user, **data)


class CaseDecline(_CaseAction):
    """不予受理 / a party does not agree: recorded with the channel the parties were guided to."""

    input_class = GuidanceInput

    @extend_schema(request=GuidanceInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        actions.decline_case(case, actor=user, **data)


class JointInput(serializers.Serializer):
    unit = ScopedSlugField(access.visible_units, slug_field="code", queryset=Unit.objects.none(),
                           help_text="code of the member unit (police, court, union, women's federation)")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseJoint(_CaseAction):
    """联动调解: invite a member unit to co-mediate."""

    input_class = JointInput

    @extend_schema(request=JointInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        actions.invite_joint_unit(case, actor=user, **data)


class ConfirmationInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in Case.Confirmation.choices if c[0]])
    court = serializers.CharField(max_length=100)
    applied_on = serializers.DateField()
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CaseConfirmation(_CaseAction):
    """司法确认: the parties' application to the court and its answer."""

    input_class = ConfirmationInput

    @extend_schema(request=ConfirmationInput, responses={200: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        return super().post(request, pk)

    def run(self, case, user, data):
        actions.record_confirmation(case, actor=user, **data)


class AddPartyInput(PartyInput):
    representative = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class CaseAddParty(_CaseAction):
    """Add a party (person or organization) to an open case; personal data is encrypted and
    comes back masked."""

    input_class = AddPartyInput

    @extend_schema(request=AddPartyInput, responses={201: CaseSerializer, **ERRORS})
    def post(self, request, pk):
        response = super().post(request, pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    def run(self, case, user, data):
        actions.add_party(case, actor=user, **data)

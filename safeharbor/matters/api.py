"""REST API of the matter engine: lists and details over the visible_* querysets, and one
small view per transition calling the same `actions.*` function as the pages.

Serializers here only check the shape of the input (types, codes that exist in the user's
scope); every rule (role, state, scope, limits) stays in actions.py, whose errors the
project's exception handler turns into 400/403/404/409 answers.
"""

from dataclasses import fields as dataclass_fields

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor.core import access
from safeharbor.core.models import Area, Category, Harbor, Unit, User, masked
from safeharbor.matters import actions, queries, rules
from safeharbor.matters.models import (
    Attachment,
    Commendation,
    Decision,
    FollowUp,
    Matter,
    MatterEvent,
    Meeting,
    Supervision,
    Urgency,
)

# --- input fields that look codes and ids up inside the requesting user's scope -----------


class _Scoped:
    """Resolve input among `visible(user)` only: a code outside the scope is as unknown as
    one that does not exist (400 naming the field). `queryset=Model.objects.none()` is
    there for the schema's types only."""

    def __init__(self, visible, **kwargs):
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.visible(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:  # PostgreSQL cannot even look such a string up
            raise serializers.ValidationError(_("Remove the control characters from this value."))
        return super().to_internal_value(data)


class ScopedSlugField(_Scoped, serializers.SlugRelatedField):
    pass


class ScopedPrimaryKeyField(_Scoped, serializers.PrimaryKeyRelatedField):
    pass


def _staff(user):
    """People a user may name as handler or commended person: those they see, and the
    members of the units they may dispatch to (district-wide units included)."""
    return User.objects.filter(
        Q(pk__in=access.visible_users(user).values("pk")) | Q(unit__in=access.visible_units(user)),
        is_active=True,
    )


def unit_field(**kwargs):
    return ScopedSlugField(access.visible_units, slug_field="code", queryset=Unit.objects.none(), **kwargs)


def category_field(**kwargs):
    return ScopedSlugField(access.visible_categories, slug_field="code", queryset=Category.objects.none(), **kwargs)


def area_field(**kwargs):
    return ScopedPrimaryKeyField(access.visible_areas, queryset=Area.objects.none(), **kwargs)


def harbor_field(**kwargs):
    return ScopedPrimaryKeyField(access.visible_harbors, queryset=Harbor.objects.none(), **kwargs)


def person_field(**kwargs):
    return ScopedSlugField(_staff, slug_field="username", queryset=User.objects.none(), help_text="username",
                           **kwargs)


def matter_code_field(**kwargs):
    return ScopedSlugField(
        access.visible_matters, slug_field="tracking_code", queryset=Matter.objects.none(), **kwargs
    )


# --- output -------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="what went wrong, in the user's language")
    extra = serializers.DictField(
        help_text="details: the fields in error ({field: [messages]}), or {\"field\": name} for a refused "
        "value, or {\"status\": current} for a conflict"
    )


ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class MatterSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    domain = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    co_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                            help_text="username")
    merged_into = serializers.SlugRelatedField(slug_field="tracking_code", read_only=True, allow_null=True)
    satisfaction = serializers.ChoiceField([("", "—"), *Matter.Satisfaction.choices], read_only=True,
                                           help_text="empty until the follow-up")
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    reporter_name = serializers.SerializerMethodField(help_text="masked: 王**")
    reporter_phone = serializers.SerializerMethodField(help_text="masked: 138****5678")

    class Meta:
        model = Matter
        fields = [
            "id", "tracking_code", "title", "description", "status", "source", "urgency", "category", "domain",
            "area", "area_name", "harbor", "address", "lat", "lon", "unit", "co_units", "assignee",
            "anonymous", "reporter_name", "reporter_phone", "created_at", "dispatched_at", "accepted_at",
            "resolved_at", "closed_at", "accept_due_at", "resolve_due_at", "due_at", "overdue", "reopen_count",
            "supervised", "satisfaction", "result", "merged_into",
        ]
        read_only_fields = fields

    def get_reporter_name(self, matter) -> str:
        return masked(matter, "reporter_name")

    def get_reporter_phone(self, matter) -> str:
        return masked(matter, "reporter_phone")


class MatterDetailSerializer(MatterSerializer):
    allowed_actions = serializers.SerializerMethodField(
        help_text="what the requesting user may do now: dispatch, accept, return, assign, note, "
        "request_extension, decide_extension, resolve, follow_up, close, merge, reject, supervise"
    )

    class Meta(MatterSerializer.Meta):
        fields = [*MatterSerializer.Meta.fields, "allowed_actions"]
        read_only_fields = fields

    def get_allowed_actions(self, matter) -> list[str]:
        return sorted(rules.allowed_actions(self.context["request"].user, matter))


class MatterCreatedSerializer(MatterDetailSerializer):
    check_code = serializers.CharField(read_only=True, help_text="for the reporter's tracking page; shown only once")

    class Meta(MatterDetailSerializer.Meta):
        fields = [*MatterDetailSerializer.Meta.fields, "check_code"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "public"]


class MatterEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                         help_text="username")
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = MatterEvent
        fields = ["id", "action", "at", "actor", "unit", "from_status", "to_status", "note", "data", "public",
                  "attachments"]


class MatterRefSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Matter
        fields = ["id", "tracking_code", "status", "due_at", "resolve_due_at", "overdue"]
        read_only_fields = fields


def _matter_response(request, matter: Matter, *, serializer=MatterDetailSerializer, code=status.HTTP_200_OK,
                     **extra) -> Response:
    """The matter as it is now, read again through the user's scope."""
    instance = queries.get_matter(request.user, matter.pk)
    for name, value in extra.items():
        setattr(instance, name, value)
    return Response(serializer(instance, context={"request": request}).data, status=code)


# --- reading matters ------------------------------------------------------------------------

FILTER_TYPES = {"area": int, "harbor": int, "unit": int, "date_from": OpenApiTypes.DATE, "date_to": OpenApiTypes.DATE}
FILTER_ENUMS = {"status": [*Matter.Status.values, "open"], "urgency": Urgency.values, "source": Matter.Source.values}
FILTER_HELP = {
    "status": "a status, or `open` for all open ones",
    "category": "category code",
    "domain": "domain code",
    "area": "area id: the area and everything under it",
    "harbor": "harbor id",
    "unit": "responsible unit id",
    "date_from": "received on or after (YYYY-MM-DD)",
    "date_to": "received on or before (YYYY-MM-DD)",
    "q": "text in the description, summary or place, or a tracking code",
}
# The filters are queries.MatterFilter's fields: malformed values are ignored, as on the pages.
FILTER_PARAMETERS = [
    OpenApiParameter("inbox", str, enum=list(queries.INBOXES), description="one of the inboxes (default: all)"),
    *(
        OpenApiParameter(f.name, FILTER_TYPES.get(f.name, str), enum=FILTER_ENUMS.get(f.name),
                         description=FILTER_HELP.get(f.name, ""))
        for f in dataclass_fields(queries.MatterFilter)
    ),
]


class InboxParams(serializers.Serializer):
    """An unknown inbox is a 400 naming `inbox` (the filters, like on the pages, ignore bad values)."""

    inbox = serializers.ChoiceField(queries.INBOXES, default="all")


class MatterCreateSerializer(serializers.Serializer):
    description = serializers.CharField()
    title = serializers.CharField(required=False, allow_blank=True)
    category = category_field(required=False, allow_null=True)
    area = area_field(required=False, allow_null=True)
    harbor = harbor_field(required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_blank=True)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    urgency = serializers.ChoiceField(Urgency.choices, required=False)
    anonymous = serializers.BooleanField(required=False)
    reporter_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    reporter_phone = serializers.CharField(required=False, allow_blank=True, max_length=40)


@extend_schema(tags=["matters"])
class MatterList(generics.ListAPIView):
    """Matters in the user's scope, narrowed by an inbox and the list filters."""

    serializer_class = MatterSerializer

    def get_queryset(self):
        params = InboxParams(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = queries.MatterFilter.from_params(self.request.query_params)
        return (
            queries.matter_list(self.request.user, params.validated_data["inbox"], filters)
            .select_related("assignee", "merged_into")
            .prefetch_related("co_units")
        )

    @extend_schema(operation_id="matters_list", parameters=FILTER_PARAMETERS, responses={200: MatterSerializer,
                   400: ErrorSerializer})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="matters_create", request=MatterCreateSerializer,
                   responses={201: MatterCreatedSerializer, 400: ErrorSerializer, 403: ErrorSerializer})
    def post(self, request):
        serializer = MatterCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        matter, check = actions.create_matter(actor=request.user, **serializer.validated_data)
        return _matter_response(request, matter, serializer=MatterCreatedSerializer, code=status.HTTP_201_CREATED,
                                check_code=check)


@extend_schema(tags=["matters"])
class MatterDetail(generics.RetrieveAPIView):
    serializer_class = MatterDetailSerializer

    def get_object(self):
        return queries.get_matter(self.request.user, self.kwargs["pk"])

    @extend_schema(operation_id="matters_retrieve", responses={200: MatterDetailSerializer, 404: ErrorSerializer})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["matters"])
class MatterTimeline(generics.ListAPIView):
    serializer_class = MatterEventSerializer
    pagination_class = None

    def get_queryset(self):
        return queries.timeline(queries.get_matter(self.request.user, self.kwargs["pk"]))

    @extend_schema(operation_id="matters_timeline", responses={200: MatterEventSerializer(many=True),
                   404: ErrorSerializer}, description="Everything that happened to the matter, oldest first.")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- transitions: one view each, calling the one action -------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class StatusField(serializers.ChoiceField):
    """A matter status, as a plain string in the schema: a second enum of the same choices
    under another name would make drf-spectacular warn (no ENUM_NAME_OVERRIDES yet)."""

    def __init__(self, **kwargs):
        super().__init__(Matter.Status.choices, **kwargs)


class ExpectedStatusSerializer(serializers.Serializer):
    expected_status = StatusField(
        required=False, help_text="the status the client saw; if it has moved on meanwhile the answer is 409"
    )


class DispatchSerializer(ExpectedStatusSerializer):
    unit = unit_field()
    co_units = unit_field(many=True, required=False)
    assignee = person_field(required=False, allow_null=True)
    category = category_field(required=False, allow_null=True)
    urgency = serializers.ChoiceField(Urgency.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class ReasonSerializer(ExpectedStatusSerializer):
    reason = serializers.CharField()


class AssignSerializer(ExpectedStatusSerializer):
    assignee = person_field()


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()
    public = serializers.BooleanField(required=False, help_text="shown to the reporter")
    files = serializers.ListField(child=serializers.FileField(), required=False, help_text="attachments")


class ExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="extra working days")
    reason = serializers.CharField()


class DecideExtensionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True)


class ResolveSerializer(ExpectedStatusSerializer):
    result = serializers.CharField(help_text="what was done, as the reporter will read it")
    files = serializers.ListField(child=serializers.FileField(), required=False, help_text="attachments")


class FollowUpSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(FollowUp.Channel.choices)
    contacted = serializers.BooleanField(help_text="the handling unit contacted the reporter")
    solved = serializers.BooleanField()
    satisfaction = serializers.ChoiceField(Matter.Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True)


class CloseSerializer(ExpectedStatusSerializer):
    note = serializers.CharField(required=False, allow_blank=True)


class MergeSerializer(ExpectedStatusSerializer):
    into = matter_code_field(help_text="tracking code of the main matter")


class MatterActionView(APIView):
    """POST one transition. The matter is looked up in scope first (404), the body is
    checked for shape (400), then the action decides (403, 409, 400 with extra.field)."""

    serializer_class: type[serializers.Serializer] = ExpectedStatusSerializer

    def load(self, request, pk) -> tuple[Matter, dict]:
        matter = access.get_visible_or_404(access.visible_matters(request.user), pk=pk)
        serializer = self.serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return matter, serializer.validated_data


def _action_schema(name: str, serializer, description: str):
    return extend_schema(
        tags=["matters"], operation_id=f"matters_{name}", request=serializer, description=description,
        responses={200: MatterDetailSerializer, **ERRORS},
    )


class MatterDispatch(MatterActionView):
    serializer_class = DispatchSerializer

    @_action_schema("dispatch", DispatchSerializer, "分拨/改派: send the matter to the unit that must act.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.dispatch_matter(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterAccept(MatterActionView):
    @_action_schema("accept", ExpectedStatusSerializer, "签收: the unit accepts; the resolve clock runs.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.accept_matter(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterReturn(MatterActionView):
    serializer_class = ReasonSerializer

    @_action_schema("return", ReasonSerializer, "退单: the unit sends a misrouted matter back.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.return_matter(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterAssign(MatterActionView):
    serializer_class = AssignSerializer

    @_action_schema("assign", AssignSerializer, "Give the matter to a handler of the responsible unit.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.assign_matter(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterNote(MatterActionView):
    serializer_class = NoteSerializer

    @_action_schema("note", NoteSerializer, "A handling note, with attachments (multipart) if any.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.add_note(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterExtension(MatterActionView):
    serializer_class = ExtensionSerializer

    @_action_schema("request_extension", ExtensionSerializer, "Ask the dispatcher for more working days.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.request_extension(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterDecideExtension(MatterActionView):
    serializer_class = DecideExtensionSerializer

    @_action_schema("decide_extension", DecideExtensionSerializer, "Approve (the deadline moves) or deny.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.decide_extension(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterResolve(MatterActionView):
    serializer_class = ResolveSerializer

    @_action_schema("resolve", ResolveSerializer, "办结: report the matter done with its result.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.resolve_matter(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterFollowUp(MatterActionView):
    serializer_class = FollowUpSerializer

    @_action_schema("follow_up", FollowUpSerializer,
                    "回访: satisfied and solved closes; otherwise reopens once, then supervision.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.record_follow_up(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterClose(MatterActionView):
    serializer_class = CloseSerializer

    @_action_schema("close", CloseSerializer, "归档 a resolved matter without (or after) the follow-up.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.close_matter(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterMerge(MatterActionView):
    serializer_class = MergeSerializer

    @_action_schema("merge", MergeSerializer, "Mark a duplicate of another matter.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.merge_matter(matter, actor=request.user, **data)
        return _matter_response(request, matter)


class MatterReject(MatterActionView):
    serializer_class = ReasonSerializer

    @_action_schema("reject", ReasonSerializer, "不予受理, with the reason the reporter will read.")
    def post(self, request, pk):
        matter, data = self.load(request, pk)
        actions.reject_matter(matter, actor=request.user, **data)
        return _matter_response(request, matter)


# --- supervision ------------------------------------------------------------------------------


class SupervisionSerializer(serializers.ModelSerializer):
    """Read and issue (督办). `matters` are ids on the way in and out; `matter_codes` their
    tracking codes."""

    matters = ScopedPrimaryKeyField(access.visible_matters, queryset=Matter.objects.none(), many=True)
    matter_codes = serializers.SlugRelatedField(source="matters", slug_field="tracking_code", many=True,
                                                read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True, help_text="username")
    replied_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                              help_text="username")
    # A plain string, not an enum: the OpenAPI enum naming would collide with Matter.status.
    status = serializers.CharField(read_only=True, help_text="open, replied or closed")
    reply_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Supervision
        fields = [
            "id", "level", "origin", "unit", "matters", "matter_codes", "issued_by", "issued_at", "reason",
            "reply_due", "status", "reply", "replied_by", "replied_at", "reply_late", "closed_at",
        ]
        read_only_fields = ["origin", "issued_at", "reply", "replied_at", "closed_at"]
        extra_kwargs = {"level": {"required": True}}


class SupervisionReplySerializer(serializers.Serializer):
    reply = serializers.CharField()


@extend_schema(tags=["supervisions"])
class SupervisionList(generics.ListAPIView):
    serializer_class = SupervisionSerializer

    def get_queryset(self):
        return queries.supervision_list(self.request.user, status=self.request.query_params.get("status", ""))

    @extend_schema(operation_id="supervisions_list", parameters=[
        OpenApiParameter("status", str, enum=Supervision.Status.values, description="open, replied or closed")
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="supervisions_create", request=SupervisionSerializer,
                   responses={201: SupervisionSerializer(many=True), **ERRORS},
                   description="督办: one order per responsible unit of the chosen matters.")
    def post(self, request):
        serializer = SupervisionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        orders = actions.issue_supervision(actor=request.user, **serializer.validated_data)
        fresh = queries.supervision_list(request.user).filter(pk__in=[o.pk for o in orders])
        return Response(SupervisionSerializer(fresh, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["supervisions"])
class SupervisionDetail(generics.RetrieveAPIView):
    serializer_class = SupervisionSerializer

    def get_queryset(self):
        return queries.supervision_list(self.request.user)

    @extend_schema(operation_id="supervisions_retrieve", responses={200: SupervisionSerializer, 404: ErrorSerializer})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _supervision_response(request, order: Supervision) -> Response:
    fresh = access.get_visible_or_404(queries.supervision_list(request.user), pk=order.pk)
    return Response(SupervisionSerializer(fresh).data)


class SupervisionReply(APIView):
    @extend_schema(tags=["supervisions"], operation_id="supervisions_reply", request=SupervisionReplySerializer,
                   responses={200: SupervisionSerializer, **ERRORS})
    def post(self, request, pk):
        order = access.get_visible_or_404(access.visible_supervisions(request.user), pk=pk)
        serializer = SupervisionReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actions.reply_supervision(order, actor=request.user, **serializer.validated_data)
        return _supervision_response(request, order)


class SupervisionClose(APIView):
    @extend_schema(tags=["supervisions"], operation_id="supervisions_close", request=None,
                   responses={200: SupervisionSerializer, **ERRORS})
    def post(self, request, pk):
        order = access.get_visible_or_404(access.visible_supervisions(request.user), pk=pk)
        actions.close_supervision(order, actor=request.user)
        return _supervision_response(request, order)


# --- meetings and decisions ---------------------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer):
    owner_unit = unit_field()
    matter = MatterRefSerializer(read_only=True, help_text="the matter that tracks the decision")

    class Meta:
        model = Decision
        fields = ["id", "text", "owner_unit", "deadline", "matter"]


class MeetingSerializer(serializers.ModelSerializer):
    organizer = unit_field()
    area = area_field()
    area_name = serializers.CharField(source="area.name", read_only=True)
    harbor = harbor_field(required=False, allow_null=True)
    attending_units = unit_field(many=True, required=False)
    decisions = DecisionSerializer(many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, help_text="username")

    class Meta:
        model = Meeting
        fields = [
            "id", "kind", "title", "organizer", "area", "area_name", "harbor", "held_at", "place",
            "attending_units", "agenda", "minutes", "decisions", "created_by", "created_at",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"kind": {"required": True}}


def _meetings(user):
    return (
        access.visible_meetings(user)
        .select_related("organizer", "area", "harbor", "created_by")
        .prefetch_related("attending_units", "decisions__owner_unit", "decisions__matter")
        .order_by("-held_at")
    )


@extend_schema(tags=["meetings"])
class MeetingList(generics.ListAPIView):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        return _meetings(self.request.user)

    @extend_schema(operation_id="meetings_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="meetings_create", request=MeetingSerializer,
                   responses={201: MeetingSerializer, **ERRORS})
    def post(self, request):
        serializer = MeetingSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        meeting = actions.create_meeting(actor=request.user, **serializer.validated_data)
        fresh = access.get_visible_or_404(_meetings(request.user), pk=meeting.pk)
        return Response(MeetingSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["meetings"])
class MeetingDetail(generics.RetrieveAPIView):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        return _meetings(self.request.user)

    @extend_schema(operation_id="meetings_retrieve", responses={200: MeetingSerializer, 404: ErrorSerializer})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MeetingDecisions(APIView):
    @extend_schema(tags=["meetings"], operation_id="meetings_add_decision", request=DecisionSerializer,
                   responses={201: DecisionSerializer, **ERRORS},
                   description="The decision becomes a matter dispatched to its owner unit, due on the deadline.")
    def post(self, request, pk):
        meeting = access.get_visible_or_404(access.visible_meetings(request.user), pk=pk)
        serializer = DecisionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        decision = actions.add_decision(meeting, actor=request.user, **serializer.validated_data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


# --- commendations ------------------------------------------------------------------------------


class CommendationSerializer(serializers.ModelSerializer):
    unit = unit_field()
    person = person_field(required=False, allow_null=True)
    matter = matter_code_field(required=False, allow_null=True, help_text="tracking code")
    area = area_field()
    area_name = serializers.CharField(source="area.name", read_only=True)
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True, help_text="username")

    class Meta:
        model = Commendation
        fields = ["id", "kind", "unit", "person", "person_name", "matter", "giver", "text", "received_on", "area",
                  "area_name", "recorded_by"]


@extend_schema(tags=["commendations"])
class CommendationList(generics.ListAPIView):
    serializer_class = CommendationSerializer

    def get_queryset(self):
        return (
            access.visible_commendations(self.request.user)
            .select_related("unit", "person", "matter", "area", "recorded_by")
            .order_by("-received_on", "-pk")
        )

    @extend_schema(operation_id="commendations_list")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="commendations_create", request=CommendationSerializer,
                   responses={201: CommendationSerializer, **ERRORS})
    def post(self, request):
        serializer = CommendationSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        commendation = actions.record_commendation(actor=request.user, **serializer.validated_data)
        return Response(CommendationSerializer(commendation).data, status=status.HTTP_201_CREATED)

"""REST API of campaigns: reads over the visible_* querysets, and one small view per action
calling the same `actions.*` function as the pages."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from safeharbor.campaigns import actions, queries
from safeharbor.campaigns.models import Bulletin, Campaign, CampaignTask, Clue, Phase, ProgressReport
from safeharbor.core import access
from safeharbor.core.models import Unit
from safeharbor.matters.api import ERRORS


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["id", "name", "start_date", "end_date"]


class CampaignSerializer(serializers.ModelSerializer):
    lead_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    participating_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    phases = PhaseSerializer(many=True, read_only=True)
    report_due_dates = serializers.ListField(child=serializers.DateField(), read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "lead_unit", "participating_units", "area", "start_date", "end_date", "goals",
                  "report_every_days", "public_clues", "phases", "report_due_dates"]


class TaskSerializer(serializers.ModelSerializer):
    owner_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    tracking_code = serializers.CharField(source="matter.tracking_code", read_only=True)
    matter_status = serializers.CharField(source="matter.status", read_only=True)
    percent = serializers.SerializerMethodField()
    elapsed = serializers.SerializerMethodField()

    class Meta:
        model = CampaignTask
        fields = ["id", "title", "owner_unit", "responsible_person", "phase", "start_date", "deadline", "target",
                  "milestones", "tracking_code", "matter_status", "percent", "elapsed"]

    def get_percent(self, task) -> int:
        return queries.task_percent(task, timezone.localdate())

    def get_elapsed(self, task) -> int:
        return queries.elapsed_percent(task.start_date, task.deadline, timezone.localdate())


class TaskInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner_unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.filter(active=True))
    responsible_person = serializers.CharField(max_length=60)
    deadline = serializers.DateField()
    start_date = serializers.DateField(required=False)
    target = serializers.CharField(max_length=200)
    milestones = serializers.CharField(required=False, allow_blank=True)


class ReportSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = ["id", "unit", "due_date", "submitted_at", "late", "highlights", "results", "figures", "problems",
                  "next_steps", "progress"]

    def get_progress(self, report) -> dict:
        return {str(p.task_id): p.percent for p in report.task_progress.all()}


class ReportInputSerializer(serializers.Serializer):
    progress = serializers.DictField(child=serializers.IntegerField(), help_text="{task id: percent done}")
    highlights = serializers.CharField(required=False, allow_blank=True)
    results = serializers.CharField()
    figures = serializers.CharField(required=False, allow_blank=True, help_text="lines “what: number”")
    problems = serializers.CharField(required=False, allow_blank=True)
    next_steps = serializers.CharField()


class BulletinSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bulletin
        fields = ["id", "campaign", "number", "as_of", "status", "content", "remarks", "published_at"]


class BulletinInputSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False)


class ClueSerializer(serializers.ModelSerializer):
    matter = serializers.SlugRelatedField(slug_field="tracking_code", read_only=True)

    class Meta:
        model = Clue
        fields = ["id", "campaign", "tracking_code", "channel", "text", "place", "anonymous", "status",
                  "verification", "matter", "received_at"]


class VerifySerializer(serializers.Serializer):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.filter(active=True))
    deadline = serializers.DateField()
    verification = serializers.CharField()


class ClueCloseSerializer(serializers.Serializer):
    reason = serializers.CharField()


def _campaign(request, pk) -> Campaign:
    return queries.get_campaign(request.user, pk)


@extend_schema(tags=["campaigns"])
class CampaignList(generics.ListAPIView):
    serializer_class = CampaignSerializer

    def get_queryset(self):
        return access.visible_campaigns(self.request.user).prefetch_related("participating_units", "phases")


@extend_schema(tags=["campaigns"])
class CampaignDetail(generics.RetrieveAPIView):
    serializer_class = CampaignSerializer

    def get_queryset(self):
        return access.visible_campaigns(self.request.user)


@extend_schema(tags=["campaigns"])
class TaskList(APIView):
    @extend_schema(operation_id="campaign_tasks_list", responses={200: TaskSerializer(many=True), **ERRORS})
    def get(self, request, pk):
        return Response(TaskSerializer(queries.tasks_of(_campaign(request, pk)), many=True).data)

    @extend_schema(operation_id="campaign_tasks_create", request=TaskInputSerializer,
                   responses={201: TaskSerializer, **ERRORS})
    def post(self, request, pk):
        campaign = _campaign(request, pk)
        data = TaskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = actions.add_task(campaign, actor=request.user, **data.validated_data)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["campaigns"])
class ReportList(APIView):
    @extend_schema(operation_id="campaign_reports_list", responses={200: ReportSerializer(many=True), **ERRORS})
    def get(self, request, pk):
        return Response(ReportSerializer(queries.reports_for(request.user, _campaign(request, pk)), many=True).data)

    @extend_schema(operation_id="campaign_reports_create", request=ReportInputSerializer,
                   responses={201: ReportSerializer, **ERRORS})
    def post(self, request, pk):
        campaign = _campaign(request, pk)
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = actions.file_report(campaign, actor=request.user, **data.validated_data)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["campaigns"])
class BulletinList(APIView):
    @extend_schema(operation_id="campaign_bulletins_list", responses={200: BulletinSerializer(many=True), **ERRORS})
    def get(self, request, pk):
        return Response(BulletinSerializer(queries.bulletins_for(request.user, _campaign(request, pk)),
                                           many=True).data)

    @extend_schema(operation_id="campaign_bulletins_create", request=BulletinInputSerializer,
                   responses={201: BulletinSerializer, **ERRORS})
    def post(self, request, pk):
        campaign = _campaign(request, pk)
        data = BulletinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bulletin = actions.generate_bulletin(campaign, actor=request.user, **data.validated_data)
        return Response(BulletinSerializer(bulletin).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["campaigns"])
class BulletinDetail(generics.RetrieveAPIView):
    serializer_class = BulletinSerializer

    def get_queryset(self):
        return access.visible_bulletins(self.request.user)


@extend_schema(tags=["campaigns"])
class BulletinPublish(APIView):
    @extend_schema(operation_id="campaign_bulletins_publish", request=ClueCloseSerializer(required=False),
                   responses={200: BulletinSerializer, **ERRORS})
    def post(self, request, pk):
        bulletin = queries.get_bulletin(request.user, pk)
        bulletin = actions.publish_bulletin(bulletin, actor=request.user, remarks=request.data.get("remarks", ""))
        return Response(BulletinSerializer(bulletin).data)


@extend_schema(tags=["campaigns"])
class ClueList(APIView):
    @extend_schema(operation_id="campaign_clues_list", responses={200: ClueSerializer(many=True), **ERRORS})
    def get(self, request, pk):
        return Response(ClueSerializer(queries.clues_for(request.user, _campaign(request, pk)), many=True).data)


@extend_schema(tags=["campaigns"])
class ClueVerify(APIView):
    @extend_schema(operation_id="campaign_clues_verify", request=VerifySerializer,
                   responses={200: ClueSerializer, **ERRORS})
    def post(self, request, pk):
        clue = queries.get_clue(request.user, pk)
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(ClueSerializer(actions.verify_clue(clue, actor=request.user, **data.validated_data)).data)


@extend_schema(tags=["campaigns"])
class ClueClose(APIView):
    @extend_schema(operation_id="campaign_clues_close", request=ClueCloseSerializer,
                   responses={200: ClueSerializer, **ERRORS})
    def post(self, request, pk):
        clue = queries.get_clue(request.user, pk)
        data = ClueCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(ClueSerializer(actions.close_clue(clue, actor=request.user, **data.validated_data)).data)

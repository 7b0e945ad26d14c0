"""REST API of the surveys app (mounted under /api/): questionnaires and their
aggregated, suppressed results — never single responses."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from safeharbor.core import access
from safeharbor.surveys import actions, queries
from safeharbor.surveys.models import Question, Survey


class QuestionSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.title")

    class Meta:
        model = Question
        fields = ["key", "section", "kind", "text", "help_text", "required", "options", "rows", "scale_min",
                  "scale_max", "skip_option", "skip_to", "ranks_problems"]


class SurveySerializer(serializers.ModelSerializer):
    owner_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    version = serializers.SerializerMethodField()
    responses = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = ["id", "title", "status", "access", "owner_unit", "area", "opens_at", "closes_at", "min_group_size",
                  "version", "responses"]

    def get_version(self, survey) -> int:
        return survey.current_version().number

    def get_responses(self, survey) -> int:
        return queries.response_count(survey)


class SurveyDetailSerializer(SurveySerializer):
    questions = serializers.SerializerMethodField()

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "intro", "questions"]

    def get_questions(self, survey) -> list[dict]:
        return QuestionSerializer(queries.ordered_questions(survey.current_version()), many=True).data


class SurveyList(generics.ListAPIView):
    serializer_class = SurveySerializer

    def get_queryset(self):
        return access.visible_surveys(self.request.user).select_related("owner_unit").order_by("-created_at")


class SurveyDetail(generics.RetrieveAPIView):
    serializer_class = SurveyDetailSerializer

    def get_queryset(self):
        return access.visible_surveys(self.request.user)


class ResultsSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    minimum = serializers.IntegerField()
    suppressed = serializers.BooleanField()
    questions = serializers.ListField(child=serializers.DictField())
    ranking = serializers.ListField(child=serializers.DictField())


def _plain_result(item) -> dict:
    return {"key": item["question"].key, "text": item["question"].text, "kind": item["question"].kind,
            "n": item["n"], "suppressed": item["suppressed"], "bars": item["bars"], "mean": item["mean"],
            "matrix": item["matrix"], "texts": item["texts"]}


class SurveyResults(APIView):
    @extend_schema(responses=ResultsSerializer)
    def get(self, request, pk: int):
        survey = access.get_visible_or_404(access.visible_surveys(request.user), pk=pk)
        data = queries.survey_results(survey)
        rows = data.pop("rows")
        ranking = [] if data["suppressed"] else queries.ranking(survey, rows)
        return ApiResponse({
            "n": data["n"], "minimum": data["minimum"], "suppressed": data["suppressed"],
            "questions": [_plain_result(item) for item in data["questions"]],
            "ranking": [{"label": r["label"], "question": r["question"].key, "count": r["count"], "n": r["n"],
                         "pct": r["pct"]} for r in ranking],
        })


class _SurveyAction(APIView):
    # Not `action`: DRF and drf-spectacular read that attribute as the name of a view method.
    survey_action = None

    @extend_schema(request=None, responses=SurveySerializer)
    def post(self, request, pk: int):
        survey = access.get_visible_or_404(access.visible_surveys(request.user), pk=pk)
        access.require_write(request.user)
        survey = type(self).survey_action(survey, actor=request.user)
        return ApiResponse(SurveySerializer(survey).data)


class SurveyPublish(_SurveyAction):
    survey_action = staticmethod(actions.publish_survey)


class SurveyClose(_SurveyAction):
    survey_action = staticmethod(actions.close_survey)

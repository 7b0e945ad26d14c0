"""REST API of the surveys app (mounted under /api/): questionnaires and their
aggregated, suppressed results — never single responses."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from safeharbor.core import access
from safeharbor.core.models import Area, Unit
from safeharbor.matters.api import ERRORS, ScopedPrimaryKeyField, ScopedSlugField
from safeharbor.surveys import actions, queries
from safeharbor.surveys.models import Question, Section, Survey


class QuestionSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.title")
    section_position = serializers.IntegerField(source="section.position")

    class Meta:
        model = Question
        fields = ["key", "section", "section_position", "kind", "text", "help_text", "required", "options", "rows",
                  "scale_min", "scale_max", "low_label", "high_label", "skip_option", "skip_to", "ranks_problems",
                  "complaint_options"]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["position", "title", "description"]


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
    sections = serializers.SerializerMethodField()
    version_answered = serializers.SerializerMethodField(
        help_text="the current version has responses: the next change starts a new version")

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "intro", "repeat_of", "sections", "questions", "version_answered"]

    def get_questions(self, survey) -> list[dict]:
        return QuestionSerializer(queries.ordered_questions(survey.current_version()), many=True).data

    def get_sections(self, survey) -> list[dict]:
        return SectionSerializer(survey.current_version().sections.all(), many=True).data

    def get_version_answered(self, survey) -> bool:
        return survey.current_version().responses.exists()


class SurveyInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    intro = serializers.CharField(required=False, allow_blank=True, default="")
    owner_unit = ScopedSlugField(access.visible_units, slug_field="code", queryset=Unit.objects.none())
    area = ScopedPrimaryKeyField(access.visible_areas, queryset=Area.objects.none())
    access = serializers.ChoiceField(choices=Survey.Access.choices, default=Survey.Access.OPEN)
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    min_group_size = serializers.IntegerField(default=5)


class SurveyCreateInput(SurveyInput):
    repeat_of = ScopedPrimaryKeyField(access.visible_surveys, queryset=Survey.objects.none(), required=False,
                                      allow_null=True, default=None,
                                      help_text="an earlier questionnaire whose questions are copied (same keys)")


def _survey_kwargs(data: dict) -> dict:
    data = dict(data)
    data["access_mode"] = data.pop("access")
    return data


def _detail(survey: Survey, code=status.HTTP_200_OK) -> ApiResponse:
    return ApiResponse(SurveyDetailSerializer(Survey.objects.get(pk=survey.pk)).data, status=code)


class SurveyList(generics.ListAPIView):
    serializer_class = SurveySerializer

    def get_queryset(self):
        return access.visible_surveys(self.request.user).select_related("owner_unit").order_by("-created_at")

    @extend_schema(request=SurveyCreateInput, responses={201: SurveyDetailSerializer, **ERRORS})
    def post(self, request):
        """A new questionnaire (a draft with one section), or a repeat of an earlier one."""
        access.require_write(request.user)
        data = SurveyCreateInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        survey = actions.create_survey(actor=request.user, **_survey_kwargs(data.validated_data))
        return _detail(survey, status.HTTP_201_CREATED)


class SurveyDetail(generics.RetrieveAPIView):
    """The questionnaire as it is being built: its current version's sections and questions."""

    serializer_class = SurveyDetailSerializer

    def get_queryset(self):
        return access.visible_surveys(self.request.user)

    @extend_schema(request=SurveyInput, responses={200: SurveyDetailSerializer, **ERRORS})
    def patch(self, request, pk: int):
        """Change the title, distribution, dates or smallest group; fields left out stay."""
        survey = access.get_visible_or_404(self.get_queryset(), pk=pk)
        access.require_write(request.user)
        current = {"title": survey.title, "intro": survey.intro, "owner_unit": survey.owner_unit,
                   "area": survey.area, "access": survey.access, "opens_at": survey.opens_at,
                   "closes_at": survey.closes_at, "min_group_size": survey.min_group_size}
        data = SurveyInput(data=request.data, partial=True, context={"request": request})
        data.is_valid(raise_exception=True)
        actions.update_survey(survey, actor=request.user, **_survey_kwargs({**current, **data.validated_data}))
        return _detail(survey)


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


# --- the builder: sections, questions, options, skip rules -------------------------------------
# Each call goes through the same action as the builder pages: a version that people have
# answered is never changed, the change starts the next version (see actions.editable_version).


class _Builder(APIView):
    def survey(self, request, pk: int) -> Survey:
        survey = access.get_visible_or_404(access.visible_surveys(request.user), pk=pk)
        access.require_write(request.user)
        return survey

    def data(self, request, input_class, **kwargs) -> dict:
        data = input_class(data=request.data, context={"request": request}, **kwargs)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)


class SectionInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class SectionCreate(_Builder):
    @extend_schema(request=SectionInput, responses={201: SurveyDetailSerializer, **ERRORS})
    def post(self, request, pk: int):
        """Add a section at the end."""
        survey = self.survey(request, pk)
        actions.add_section(survey, actor=request.user, **self.data(request, SectionInput))
        return _detail(survey, status.HTTP_201_CREATED)


class SectionItem(_Builder):
    @extend_schema(request=SectionInput, responses={200: SurveyDetailSerializer, **ERRORS})
    def put(self, request, pk: int, position: int):
        """Rename the section at this position or change its description."""
        survey = self.survey(request, pk)
        actions.update_section(survey, actor=request.user, position=position, **self.data(request, SectionInput))
        return _detail(survey)

    @extend_schema(request=None, responses={200: SurveyDetailSerializer, **ERRORS})
    def delete(self, request, pk: int, position: int):
        """Delete an empty section (a questionnaire keeps at least one)."""
        survey = self.survey(request, pk)
        actions.delete_section(survey, actor=request.user, position=position)
        return _detail(survey)


class QuestionInput(serializers.Serializer):
    section = serializers.IntegerField(min_value=1, help_text="position of the section (1, 2, ...)")
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    text = serializers.CharField(max_length=500)
    help_text = serializers.CharField(required=False, allow_blank=True, default="")
    required = serializers.BooleanField(default=False)
    options = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                    help_text="choices; for a matrix, the scale columns")
    rows = serializers.ListField(child=serializers.CharField(), required=False, default=list,
                                 help_text="matrix rows")
    scale_min = serializers.IntegerField(default=1)
    scale_max = serializers.IntegerField(default=5)
    low_label = serializers.CharField(required=False, allow_blank=True, default="")
    high_label = serializers.CharField(required=False, allow_blank=True, default="")
    skip_option = serializers.IntegerField(required=False, allow_null=True, default=None,
                                           help_text="single choice: the option (1-based) that skips")
    skip_to = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="key of a later question, or \"end\"")
    ranks_problems = serializers.BooleanField(default=False)
    complaint_options = serializers.CharField(required=False, allow_blank=True, default="",
                                              help_text="option numbers that count as complaints, e.g. \"1,2\"")


def _question_kwargs(data: dict) -> dict:
    data["section_position"] = data.pop("section")
    return data


class QuestionCreate(_Builder):
    @extend_schema(request=QuestionInput, responses={201: SurveyDetailSerializer, **ERRORS})
    def post(self, request, pk: int):
        """Add a question (it gets the next key: q1, q2, ...)."""
        survey = self.survey(request, pk)
        actions.save_question(survey, actor=request.user, **_question_kwargs(self.data(request, QuestionInput)))
        return _detail(survey, status.HTTP_201_CREATED)


class QuestionItem(_Builder):
    @extend_schema(request=QuestionInput, responses={200: SurveyDetailSerializer, **ERRORS})
    def put(self, request, pk: int, key: str):
        """Change the whole question with this key."""
        survey = self.survey(request, pk)
        actions.save_question(survey, actor=request.user, key=key,
                              **_question_kwargs(self.data(request, QuestionInput)))
        return _detail(survey)

    @extend_schema(request=None, responses={200: SurveyDetailSerializer, **ERRORS})
    def delete(self, request, pk: int, key: str):
        """Delete a question no other question skips to."""
        survey = self.survey(request, pk)
        actions.delete_question(survey, actor=request.user, key=key)
        return _detail(survey)


class MoveInput(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class QuestionMove(_Builder):
    @extend_schema(request=MoveInput, responses={200: SurveyDetailSerializer, **ERRORS})
    def post(self, request, pk: int, key: str):
        """Move a question one place up or down (across a section border, into the next section)."""
        survey = self.survey(request, pk)
        data = self.data(request, MoveInput)
        actions.move_question(survey, actor=request.user, key=key, up=data["direction"] == "up")
        return _detail(survey)


class OptionsInput(serializers.Serializer):
    options = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.CharField(), required=False, default=None,
                                 help_text="matrix rows (left out: unchanged)")
    complaint_options = serializers.CharField(required=False, allow_blank=True, default=None,
                                              help_text="left out: unchanged")


class QuestionOptions(_Builder):
    @extend_schema(request=OptionsInput, responses={200: SurveyDetailSerializer, **ERRORS})
    def put(self, request, pk: int, key: str):
        """Replace the options of a choice (or matrix) question."""
        survey = self.survey(request, pk)
        actions.set_question_options(survey, actor=request.user, key=key, **self.data(request, OptionsInput))
        return _detail(survey)


class SkipInput(serializers.Serializer):
    skip_option = serializers.IntegerField(allow_null=True, help_text="null removes the skip")
    skip_to = serializers.CharField(required=False, allow_blank=True, default="")


class QuestionSkip(_Builder):
    @extend_schema(request=SkipInput, responses={200: SurveyDetailSerializer, **ERRORS})
    def put(self, request, pk: int, key: str):
        """Set or remove the skip rule of a single-choice question."""
        survey = self.survey(request, pk)
        actions.set_skip(survey, actor=request.user, key=key, **self.data(request, SkipInput))
        return _detail(survey)

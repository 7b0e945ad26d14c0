from django import forms
from django.utils.translation import gettext_lazy as _

from safeharbor.core import access
from safeharbor.core.models import Area, Category, Unit
from safeharbor.surveys.models import Question, Survey

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(label=_("Introduction for respondents"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("Say who asks, why, and that answers are anonymous."))
    owner_unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    area = forms.ModelChoiceField(label=_("Area surveyed"), queryset=Area.objects.none())
    access = forms.ChoiceField(label=_("Distribution"), choices=Survey.Access.choices)
    opens_at = forms.DateTimeField(label=_("Opens"), required=False, widget=DATETIME)
    closes_at = forms.DateTimeField(label=_("Closes"), required=False, widget=DATETIME)
    min_group_size = forms.IntegerField(label=_("Smallest group shown"), initial=5, min_value=1, max_value=100,
                                        help_text=_("Results of fewer people than this are never shown."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = access.visible_units(user).filter(active=True)
        self.fields["area"].queryset = access.visible_areas(user).exclude(level__in=["grid", "compound"]).order_by(
            "path")
        if user.unit_id and not self.is_bound and "owner_unit" not in self.initial:
            self.initial["owner_unit"] = user.unit_id


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class QuestionForm(forms.Form):
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    kind = forms.ChoiceField(label=_("Type"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    help_text = forms.CharField(label=_("Hint"), max_length=300, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)
    options = forms.CharField(label=_("Options (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Choices; for a matrix, the scale columns (e.g. satisfied / neutral / "
                                          "dissatisfied)."))
    rows = forms.CharField(label=_("Matrix rows (one per line)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    scale_min = forms.IntegerField(label=_("Scale from"), initial=1, required=False)
    scale_max = forms.IntegerField(label=_("Scale to"), initial=5, required=False)
    low_label = forms.CharField(label=_("Label of the lowest point"), required=False, max_length=40)
    high_label = forms.CharField(label=_("Label of the highest point"), required=False, max_length=40)
    skip_option = forms.IntegerField(label=_("If the answer is option number"), required=False, min_value=1)
    skip_to = forms.CharField(label=_("…skip to question (key, or “end”)"), required=False, max_length=20)
    ranks_problems = forms.BooleanField(label=_("Counts in the ranking of complaints"), required=False,
                                        help_text=_("Ratings: the two lowest points are complaints (put the worst at "
                                                    "the low end)."))
    complaint_options = forms.CharField(
        label=_("Options that are complaints (numbers)"), required=False, max_length=60,
        help_text=_("e.g. 1,2,4. Empty: every option of a choice question, the last column of a matrix."))

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(s.position, s.title) for s in sections]

    def action_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["section_position"] = data.pop("section")
        data["scale_min"] = 1 if data["scale_min"] is None else data["scale_min"]
        data["scale_max"] = 5 if data["scale_max"] is None else data["scale_max"]
        return data

    @staticmethod
    def initial_for(question: Question) -> dict:
        return {
            "section": question.section.position, "kind": question.kind, "text": question.text,
            "help_text": question.help_text, "required": question.required, "options": "\n".join(question.options),
            "rows": "\n".join(question.rows), "scale_min": question.scale_min, "scale_max": question.scale_max,
            "low_label": question.low_label, "high_label": question.high_label, "skip_option": question.skip_option,
            "skip_to": question.skip_to, "ranks_problems": question.ranks_problems,
            "complaint_options": question.complaint_options,
        }


class BatchForm(forms.Form):
    label = forms.CharField(label=_("Who receives them"), max_length=200,
                            help_text=_("e.g. the freight companies of the district"))
    size = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=2000, initial=40)


class FindingForm(forms.Form):
    summary = forms.CharField(label=_("Finding"), max_length=200)
    description = forms.CharField(label=_("What should be done"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Turn it into"), choices=[("matter", _("a matter for a unit")),
                                                             ("clue", _("a campaign clue"))])
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = access.visible_categories(user).filter(active=True)

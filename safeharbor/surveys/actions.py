"""Every change of a questionnaire goes through these functions (pages and API alike).

Anonymity lives in `submit_response`: read its docstring before changing anything there.
"""

import re
import secrets

from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from safeharbor.core import access
from safeharbor.core.crypto import blind_index
from safeharbor.core.errors import ActionError
from safeharbor.lib.codes import ALPHABET
from safeharbor.surveys import segment
from safeharbor.surveys.models import (
    AnswerValue,
    Finding,
    Invitation,
    InvitationBatch,
    Question,
    Response,
    Section,
    Survey,
    TextTerm,
    Version,
)

K = Question.Kind
MAX_OPTIONS = 20
MAX_TEXT_ANSWER = 2000
MAX_BATCH = 2000
SMALLEST_GROUP = 3  # the suppression threshold cannot be set lower than this
CODE_LENGTH = 10
END = "end"


# --- helpers ---------------------------------------------------------------------------------


def _writable(survey: Survey, actor) -> Survey:
    """The survey, locked, if the actor may change it (out of scope: 404, read-only: 403)."""
    access.require_write(actor)
    if not access.visible_surveys(actor).filter(pk=survey.pk).exists():
        raise Http404
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _text(value, field: str, *, required=True, limit=200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionError(_("Please fill in this field."), extra={"field": field})
    if len(value) > limit:
        raise ActionError(_("At most %(n)d characters, please.") % {"n": limit}, extra={"field": field})
    return value


def _lines(values, field: str, *, minimum: int, what: str) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    items = [v.strip() for v in values or [] if v and v.strip()]
    if len(items) < minimum:
        raise ActionError(_("Give at least %(n)d %(what)s, one per line.") % {"n": minimum, "what": what},
                          extra={"field": field})
    if len(items) > MAX_OPTIONS:
        raise ActionError(_("At most %(n)d lines, please.") % {"n": MAX_OPTIONS}, extra={"field": field})
    if len(set(items)) != len(items):
        raise ActionError(_("Each line must be different."), extra={"field": field})
    return items


def normalize_code(code: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper())


def code_hash(code: str) -> str:
    return blind_index(normalize_code(code), kind="survey-invitation")


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _check_dates(opens_at, closes_at) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise ActionError(_("The closing time must come after the opening time."), extra={"field": "closes_at"})


def _check_place(actor, owner_unit, area) -> None:
    if not access.visible_units(actor).filter(pk=owner_unit.pk).exists():
        raise ActionError(_("That unit is outside your area of work."), extra={"field": "owner_unit"})
    if not access.visible_areas(actor).filter(pk=area.pk).exists():
        raise ActionError(_("That area is outside your area of work."), extra={"field": "area"})


def _check_min_group(value: int) -> int:
    if value is None or value < SMALLEST_GROUP:
        raise ActionError(_("Results of fewer than %(n)d people would identify them; choose %(n)d or more.")
                          % {"n": SMALLEST_GROUP}, extra={"field": "min_group_size"})
    return value


# --- the questionnaire ---------------------------------------------------------------------------


@transaction.atomic
def create_survey(*, actor, title: str, owner_unit, area, intro: str = "", access_mode: str = Survey.Access.OPEN,
                  opens_at=None, closes_at=None, min_group_size: int = 5, repeat_of: Survey | None = None) -> Survey:
    """A new questionnaire (a draft with one empty section), or a repeat of an earlier one
    with the same questions (same keys, so that the results can be compared)."""
    access.require_write(actor)
    _check_place(actor, owner_unit, area)
    _check_dates(opens_at, closes_at)
    if access_mode not in Survey.Access.values:
        raise ActionError(_("Choose how the questionnaire is distributed."), extra={"field": "access"})
    if repeat_of is not None and not access.visible_surveys(actor).filter(pk=repeat_of.pk).exists():
        raise Http404
    survey = Survey.objects.create(
        title=_text(title, "title"), intro=_text(intro, "intro", required=False, limit=2000), owner_unit=owner_unit,
        area=area, access=access_mode, opens_at=opens_at, closes_at=closes_at,
        min_group_size=_check_min_group(min_group_size), token=secrets.token_urlsafe(12), repeat_of=repeat_of,
        created_by=actor,
    )
    version = Version.objects.create(survey=survey, number=1)
    source = repeat_of.current_version() if repeat_of else None
    if source is not None:
        _copy_questions(source, version)
    else:
        Section.objects.create(version=version, position=1, title=_("Part %(n)d") % {"n": 1})
    return survey


@transaction.atomic
def update_survey(survey: Survey, *, actor, title: str, owner_unit, area, intro: str = "",
                  access_mode: str = Survey.Access.OPEN, opens_at=None, closes_at=None,
                  min_group_size: int = 5) -> Survey:
    survey = _writable(survey, actor)
    _check_place(actor, owner_unit, area)
    _check_dates(opens_at, closes_at)
    if access_mode != survey.access and Response.objects.filter(version__survey=survey).exists():
        raise ActionError(_("People have already answered; the way it is distributed can no longer change."),
                          extra={"field": "access"})
    survey.title = _text(title, "title")
    survey.intro = _text(intro, "intro", required=False, limit=2000)
    survey.owner_unit, survey.area, survey.access = owner_unit, area, access_mode
    survey.opens_at, survey.closes_at = opens_at, closes_at
    survey.min_group_size = _check_min_group(min_group_size)
    survey.save()
    return survey


def _copy_questions(source: Version, target: Version) -> None:
    sections = {}
    for section in source.sections.all():
        sections[section.pk] = Section.objects.create(
            version=target, position=section.position, title=section.title, description=section.description)
    for q in source.questions.all():
        q.pk = None
        q.version = target
        q.section = sections[q.section_id]
        q.save()


def editable_version(survey: Survey) -> Version:
    """The version to edit: the current one, or — once people have answered it — a copy that
    becomes the next version. Old responses keep pointing at the questions they answered.
    A closed questionnaire's questions no longer change (publish it again, or repeat it)."""
    if survey.status == Survey.Status.CLOSED:
        raise ActionError(_("This questionnaire is closed: its questions can no longer change. Publish it again "
                            "or start a repeat of it."), status_code=409)
    current = survey.current_version()
    if not current.responses.exists():
        return current
    new = Version.objects.create(
        survey=survey, number=current.number + 1,
        published_at=timezone.now() if survey.status == Survey.Status.PUBLISHED else None,
    )
    _copy_questions(current, new)
    return new


@transaction.atomic
def add_section(survey: Survey, *, actor, title: str, description: str = "") -> Section:
    survey = _writable(survey, actor)
    title = _text(title, "title")
    version = editable_version(survey)
    position = (version.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    return Section.objects.create(version=version, position=position, title=title,
                                  description=_text(description, "description", required=False, limit=1000))


@transaction.atomic
def update_section(survey: Survey, *, actor, position: int, title: str, description: str = "") -> Section:
    survey = _writable(survey, actor)
    title = _text(title, "title")
    version = editable_version(survey)
    section = _section(version, position)
    section.title, section.description = title, _text(description, "description", required=False, limit=1000)
    section.save()
    return section


@transaction.atomic
def delete_section(survey: Survey, *, actor, position: int) -> None:
    survey = _writable(survey, actor)
    version = editable_version(survey)
    section = _section(version, position)
    if section.questions.exists():
        raise ActionError(_("Move or delete the questions of this section first."))
    if version.sections.count() == 1:
        raise ActionError(_("A questionnaire keeps at least one section."))
    section.delete()


def _section(version: Version, position: int) -> Section:
    section = version.sections.filter(position=position).first()
    if section is None:
        raise ActionError(_("That section does not exist."), extra={"field": "section"})
    return section


def _next_key(survey: Survey) -> str:
    numbers = [int(k[1:]) for k in Question.objects.filter(version__survey=survey).values_list("key", flat=True)
               if k[1:].isdigit()]
    return f"q{max(numbers, default=0) + 1}"


def _indices(value: str, count: int, field: str) -> str:
    """'1, 3' → '1,3' after checking each number names an option."""
    numbers = []
    for part in re.split(r"[,，\s]+", (value or "").strip()):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= count:
            raise ActionError(_("Use option numbers between 1 and %(n)d.") % {"n": count}, extra={"field": field})
        numbers.append(int(part))
    return ",".join(str(n) for n in sorted(set(numbers)))


@transaction.atomic
def save_question(survey: Survey, *, actor, section_position: int, kind: str, text: str, key: str = "",
                  help_text: str = "", required: bool = False, options=(), rows=(), scale_min: int = 1,
                  scale_max: int = 5, low_label: str = "", high_label: str = "", skip_option: int | None = None,
                  skip_to: str = "", ranks_problems: bool = False, complaint_options: str = "") -> Question:
    """Add a question (no key) or change the question with this key."""
    survey = _writable(survey, actor)
    if kind not in K.values:
        raise ActionError(_("Choose the type of question."), extra={"field": "kind"})
    fields = {
        "kind": kind, "text": _text(text, "text", limit=500), "help_text": _text(help_text, "help_text",
                                                                                   required=False, limit=300),
        "required": bool(required), "options": [], "rows": [], "scale_min": 1, "scale_max": 5,
        "low_label": "", "high_label": "", "skip_option": None, "skip_to": "", "ranks_problems": bool(ranks_problems),
        "complaint_options": "",
    }
    if kind in (K.SINGLE, K.MULTIPLE):
        fields["options"] = _lines(options, "options", minimum=2, what=_("options"))
    elif kind == K.MATRIX:
        fields["rows"] = _lines(rows, "rows", minimum=1, what=_("rows"))
        fields["options"] = _lines(options, "options", minimum=2, what=_("scale columns"))
    elif kind == K.RATING:
        if scale_min is None or scale_max is None or not (0 <= scale_min < scale_max <= 10):
            raise ActionError(_("A rating scale runs from 0 or 1 up to at most 10."), extra={"field": "scale_max"})
        fields.update(scale_min=scale_min, scale_max=scale_max, low_label=_text(low_label, "low_label", required=False,
                      limit=40), high_label=_text(high_label, "high_label", required=False, limit=40))
    if kind in (K.SINGLE, K.MULTIPLE, K.MATRIX):
        fields["complaint_options"] = _indices(complaint_options, len(fields["options"]), "complaint_options")
    if skip_option or skip_to:
        if kind != K.SINGLE:
            raise ActionError(_("Only single-choice questions can skip."), extra={"field": "skip_to"})
        if not skip_option or not 1 <= skip_option <= len(fields["options"]):
            raise ActionError(_("Choose which option makes the respondent skip."), extra={"field": "skip_option"})
        fields.update(skip_option=skip_option, skip_to=(skip_to or "").strip())

    version = editable_version(survey)
    section = _section(version, section_position)
    if key:
        question = version.questions.filter(key=key).first()
        if question is None:
            raise ActionError(_("That question does not exist."))
        moved = question.section_id != section.pk
    else:
        question = Question(version=version, key=_next_key(survey))
        moved = True
    for name, value in fields.items():
        setattr(question, name, value)
    question.section = section
    if moved:
        question.position = (section.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question.save()
    check_skips(version)
    return question


def check_skips(version: Version) -> None:
    """Every skip must lead forward, to a question of this version or to the end."""
    order = list(version.questions.order_by("section__position", "position", "pk").values_list("key", "skip_to"))
    keys = [k for k, _s in order]
    for index, (key, target) in enumerate(order):
        if not target or target == END:
            continue
        if target not in keys:
            raise ActionError(_("Question %(key)s skips to %(target)s, which does not exist.")
                              % {"key": key, "target": target}, extra={"field": "skip_to"})
        if keys.index(target) <= index:
            raise ActionError(_("Question %(key)s skips to %(target)s, which does not come after it.")
                              % {"key": key, "target": target}, extra={"field": "skip_to"})


@transaction.atomic
def delete_question(survey: Survey, *, actor, key: str) -> None:
    survey = _writable(survey, actor)
    version = editable_version(survey)
    question = version.questions.filter(key=key).first()
    if question is None:
        raise ActionError(_("That question does not exist."))
    pointing = version.questions.filter(skip_to=key).first()
    if pointing is not None:
        raise ActionError(_("Question %(key)s skips to this one; change that skip first.") % {"key": pointing.key})
    question.delete()


@transaction.atomic
def move_question(survey: Survey, *, actor, key: str, up: bool) -> None:
    survey = _writable(survey, actor)
    version = editable_version(survey)
    ordered = list(version.questions.order_by("section__position", "position", "pk"))
    index = next((i for i, q in enumerate(ordered) if q.key == key), None)
    if index is None:
        raise ActionError(_("That question does not exist."))
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    moving, neighbour = ordered[index], ordered[other]
    if moving.section_id != neighbour.section_id:
        moving.section_id = neighbour.section_id  # first/last of its section: into the next one
    else:
        ordered[index], ordered[other] = neighbour, moving
    for position, question in enumerate(ordered, start=1):
        question.position = position
        question.save(update_fields=["position", "section"])
    check_skips(version)


@transaction.atomic
def publish_survey(survey: Survey, *, actor) -> Survey:
    survey = _writable(survey, actor)
    version = survey.current_version()
    if not version.questions.exists():
        raise ActionError(_("Add at least one question before publishing."))
    check_skips(version)
    if survey.closes_at and survey.closes_at <= timezone.now():
        raise ActionError(_("The closing time has passed; set a later one first."), extra={"field": "closes_at"})
    survey.status = Survey.Status.PUBLISHED
    survey.save(update_fields=["status"])
    if version.published_at is None:
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
    return survey


@transaction.atomic
def close_survey(survey: Survey, *, actor) -> Survey:
    survey = _writable(survey, actor)
    if survey.status != Survey.Status.PUBLISHED:
        raise ActionError(_("Only a published questionnaire can be closed."))
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status"])
    return survey


# --- distribution -----------------------------------------------------------------------------


@transaction.atomic
def create_invitation_batch(survey: Survey, *, actor, label: str, size: int) -> InvitationBatch:
    """One-time codes to print or send. Only their keyed hashes identify the Invitation rows."""
    survey = _writable(survey, actor)
    if survey.access != Survey.Access.INVITATION:
        raise ActionError(_("This questionnaire uses an open link; switch it to invitation codes first."))
    if survey.status == Survey.Status.CLOSED:
        raise ActionError(_("This questionnaire is closed."))
    label = _text(label, "label")
    if not size or not 1 <= size <= MAX_BATCH:
        raise ActionError(_("Between 1 and %(n)d codes at a time.") % {"n": MAX_BATCH}, extra={"field": "size"})
    codes: set[str] = set()
    while len(codes) < size:
        code = _new_code()
        if code not in codes and not Invitation.objects.filter(code_hash=code_hash(code)).exists():
            codes.add(code)
    ordered = sorted(codes)
    batch = InvitationBatch.objects.create(survey=survey, label=label, size=size, codes="\n".join(ordered),
                                           created_by=actor)
    Invitation.objects.bulk_create(Invitation(batch=batch, code_hash=code_hash(c)) for c in ordered)
    return batch


# --- answering ---------------------------------------------------------------------------------


def answerable_questions(version: Version, answers: dict) -> list[Question]:
    """The questions a respondent actually meets, given their answers (skip logic)."""
    shown, skipping_to = [], None
    for question in version.questions.order_by("section__position", "position", "pk"):
        if skipping_to is not None:
            if skipping_to != question.key:
                continue
            skipping_to = None
        shown.append(question)
        if question.kind == K.SINGLE and question.skip_option and answers.get(question.key) == question.skip_option:
            skipping_to = question.skip_to or None
    return shown


def _values(data, name: str) -> list[str]:
    if hasattr(data, "getlist"):
        return [v for v in data.getlist(name) if str(v).strip()]
    value = data.get(name)
    if value is None:
        return []
    values = value if isinstance(value, (list, tuple)) else [value]
    return [str(v) for v in values if str(v).strip()]


def _choice(raw: str, count: int) -> int | None:
    return int(raw) if str(raw).isdigit() and 1 <= int(raw) <= count else None


def _parse_one(question: Question, data) -> tuple[object, str]:
    """(answer or None, error message). Choices are stored as 1-based option numbers."""
    name = f"a_{question.key}"
    bad = _("This answer is not one of the choices.")
    if question.kind == K.SINGLE:
        values = _values(data, name)[:1]
        if not values:
            return None, ""
        value = _choice(values[0], len(question.options))
        return (value, "") if value else (None, bad)
    if question.kind == K.MULTIPLE:
        chosen = [_choice(v, len(question.options)) for v in _values(data, name)]
        if None in chosen:
            return None, bad
        return (sorted(set(chosen)) or None), ""
    if question.kind == K.RATING:
        values = _values(data, name)[:1]
        if not values:
            return None, ""
        try:
            value = int(values[0])
        except ValueError:
            return None, bad
        return (value, "") if question.scale_min <= value <= question.scale_max else (None, bad)
    if question.kind == K.MATRIX:
        answer = {}
        for row in range(1, len(question.rows) + 1):
            values = _values(data, f"{name}_{row}")[:1]
            if values:
                value = _choice(values[0], len(question.options))
                if value is None:
                    return None, bad
                answer[str(row)] = value
        if question.required and answer and len(answer) < len(question.rows):
            return None, _("Please answer every row.")
        return (answer or None), ""
    text = " ".join(_values(data, name)).strip()
    if len(text) > MAX_TEXT_ANSWER:
        return None, _("At most %(n)d characters, please.") % {"n": MAX_TEXT_ANSWER}
    return (text or None), ""


def clean_answers(version: Version, data) -> dict:
    """The answers of the questions the respondent met, checked; answers to skipped
    questions are dropped. Raises ActionError with extra={"errors": {key: message}}."""
    parsed, errors = {}, {}
    for question in version.questions.all():
        value, error = _parse_one(question, data)
        if error:
            errors[question.key] = error
        elif value is not None:
            parsed[question.key] = value
    answers = {}
    for question in answerable_questions(version, parsed):
        if question.key in errors:
            continue
        if question.key in parsed:
            answers[question.key] = parsed[question.key]
        elif question.required:
            errors[question.key] = _("Please answer this question.")
    shown = {q.key for q in answerable_questions(version, parsed)}
    errors = {k: v for k, v in errors.items() if k in shown}
    if errors:
        raise ActionError(_("Some answers need your attention."), extra={"errors": errors})
    if not answers:
        raise ActionError(_("Please answer at least one question."))
    return answers


@transaction.atomic
def submit_response(survey: Survey, *, data, code: str = "") -> Response:
    """Record one anonymous response.

    How redemption stays unlinkable (the mechanism the anonymity promise rests on):
    - The Invitation row is found by the keyed hash of the code and flipped from used=False
      to used=True with one compare-and-set UPDATE. Nothing else is written to it: no time,
      no response id, no client data. A code can be used once (the UPDATE matches 0 rows
      the second time), and the response is only kept if that succeeds (one transaction).
    - The Response row is a separate INSERT that refers to no invitation. Its key is a
      random UUID (no id sequence to line up with the order of redemptions), and it carries
      the day only (not the time) — invitations carry no time at all, so there is nothing
      to join on: not ids, not times, not the code (never stored in clear outside the
      encrypted batch list used to print the slips).
    - Neither this function nor the view logs anything, writes no audit entry and starts
      no session; the code travels in the POST body (or the URL #fragment, which browsers
      never send), never in a URL path or query string that access logs would keep.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    now = timezone.now()
    if not survey.is_answerable(now):
        if survey.status == Survey.Status.PUBLISHED and survey.opens_at and now < survey.opens_at:
            raise ActionError(_("This questionnaire is not open yet."), status_code=409)
        raise ActionError(_("This questionnaire is closed."), status_code=409)
    version = survey.current_version()
    answers = clean_answers(version, data)
    if survey.access == Survey.Access.INVITATION:
        if not normalize_code(code):
            raise ActionError(_("Please enter the code printed on your invitation."), extra={"field": "code"})
        redeemed = Invitation.objects.filter(
            code_hash=code_hash(code), batch__survey=survey, used=False).update(used=True)
        if redeemed != 1:
            raise ActionError(_("This code is not valid for this questionnaire, or it has already been used."),
                              extra={"field": "code"})
    response = Response.objects.create(version=version, submitted_on=timezone.localdate(now), answers=answers)
    questions = {q.key: q for q in version.questions.all()}
    AnswerValue.objects.bulk_create(answer_values(response, questions))
    TextTerm.objects.bulk_create(text_terms(response, questions))
    return response


def text_terms(response: Response, questions: dict[str, Question]) -> list[TextTerm]:
    """The words and phrases of the response's free-text answers, each once per answer (the
    themes of the analysis are counted from them)."""
    rows = []
    for key, value in response.answers.items():
        question = questions.get(key)
        if question is None or question.kind != K.TEXT or not isinstance(value, str):
            continue
        words, phrases = segment.terms(value)
        rows += [TextTerm(response=response, version_id=response.version_id, key=key, term=word) for word in words]
        rows += [TextTerm(response=response, version_id=response.version_id, key=key, term=phrase, phrase=True)
                 for phrase in phrases]
    return rows


def answer_values(response: Response, questions: dict[str, Question]) -> list[AnswerValue]:
    """The rows the results are counted from (see AnswerValue); `questions` are the
    response's version's, by key. Every answered question has exactly one row that counts
    the respondent: its value (single choice, rating) or a row without a value (multiple
    choice, matrix, free text), so that no count needs DISTINCT."""
    rows = []

    def add(key, value=None, row=0):
        rows.append(AnswerValue(response=response, version_id=response.version_id, key=key, row=row, value=value))

    for key, value in response.answers.items():
        question = questions.get(key)
        if question is None:
            continue
        if question.kind in (K.MULTIPLE, K.MATRIX, K.TEXT):
            add(key)  # "answered": one row without a value, counted as the question's n
        if question.kind == K.MULTIPLE:
            for option in value:
                add(key, option)
        elif question.kind == K.MATRIX:
            for row, column in value.items():
                add(key, column, int(row))
        elif question.kind != K.TEXT:
            add(key, value)  # single choice, rating: one row, also counted as n
    return rows


# --- findings ------------------------------------------------------------------------------------


@transaction.atomic
def create_finding(survey: Survey, *, actor, summary: str, description: str, as_clue: bool = False,
                   area=None, category=None) -> Finding:
    """Turn a result into a matter (or a campaign clue) handled by the matter engine."""
    from safeharbor.matters import actions as matter_actions
    from safeharbor.matters.models import Matter

    survey = _writable(survey, actor)
    summary = _text(summary, "summary")
    description = _text(description, "description", limit=5000)
    text = _("%(text)s\n\n(From the anonymous questionnaire “%(survey)s”.)") % {"text": description,
                                                                                   "survey": survey.title}
    matter, _check = matter_actions.create_matter(
        actor=actor, description=text, title=summary, source=Matter.Source.CLUE if as_clue else Matter.Source.STAFF,
        area=area or survey.area, category=category,
    )
    return Finding.objects.create(survey=survey, summary=summary, matter=matter, created_by=actor)


# --- single parts of a question (API) -------------------------------------------------------------


def _question_fields(question: Question) -> dict:
    """A question's fields as save_question takes them (to change one part and keep the rest)."""
    return {
        "section_position": question.section.position, "kind": question.kind, "text": question.text,
        "help_text": question.help_text, "required": question.required, "options": list(question.options),
        "rows": list(question.rows), "scale_min": question.scale_min, "scale_max": question.scale_max,
        "low_label": question.low_label, "high_label": question.high_label, "skip_option": question.skip_option,
        "skip_to": question.skip_to, "ranks_problems": question.ranks_problems,
        "complaint_options": question.complaint_options,
    }


def _current_question(survey: Survey, key: str) -> Question:
    question = survey.current_version().questions.select_related("section").filter(key=key).first()
    if question is None:
        raise ActionError(_("That question does not exist."))
    return question


@transaction.atomic
def set_question_options(survey: Survey, *, actor, key: str, options, rows=None,
                         complaint_options: str | None = None) -> Question:
    """Replace the options (and matrix rows) of a choice or matrix question, with the same
    rules (and the same versioning once people have answered) as editing the whole question.
    A skip on an option that no longer exists is refused."""
    _writable(survey, actor)
    question = _current_question(survey, key)
    if not (question.is_choice or question.kind == K.MATRIX):
        raise ActionError(_("Only choice and matrix questions have options."), extra={"field": "options"})
    fields = _question_fields(question)
    fields["options"] = options
    if rows is not None:
        fields["rows"] = rows
    if complaint_options is not None:
        fields["complaint_options"] = complaint_options
    return save_question(survey, actor=actor, key=key, **fields)


@transaction.atomic
def set_skip(survey: Survey, *, actor, key: str, skip_option: int | None, skip_to: str = "") -> Question:
    """Set (or, with no option, remove) the skip rule of a single-choice question: answering
    option `skip_option` jumps to question `skip_to` (a later key) or to the end ("end")."""
    _writable(survey, actor)
    question = _current_question(survey, key)
    skip_to = (skip_to or "").strip()
    if skip_option and not skip_to:
        raise ActionError(_("Choose the question the respondent skips to, or the end."), extra={"field": "skip_to"})
    fields = _question_fields(question)
    fields["skip_option"], fields["skip_to"] = (skip_option, skip_to) if skip_option or skip_to else (None, "")
    return save_question(survey, actor=actor, key=key, **fields)

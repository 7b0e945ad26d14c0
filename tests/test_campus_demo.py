"""The campus demo: 乌达区实验中学 as the seed describes it, loaded once (a second run
changes nothing), and what the demo accounts see of it."""

import pytest
from django.apps import apps
from django.test import Client

from safeharbor.campus import queries
from safeharbor.campus.demo import load_demo as load_campus
from safeharbor.campus.models import Hazard, PsychCase, Room, SchoolClass
from safeharbor.core.demo import load_demo as load_core
from safeharbor.core.models import School, User

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.app_label == "campus"}


def test_demo_school_is_loaded_once_and_matches_the_seed():
    load_core()
    first = load_campus()
    assert "58 classes" in first and "2118 students" in first
    counts = _counts()
    assert "nothing changed" in load_campus()
    assert _counts() == counts
    school = School.objects.get(unit__name_zh="乌达区实验中学")
    assert (school.class_count, school.student_count) == (58, 2118)
    assert SchoolClass.objects.filter(grade__school=school).count() == 58
    assert Room.objects.filter(school=school).count() == 7
    assert Hazard.objects.filter(school=school).count() >= 3
    card = queries.report_card(User.objects.get(username="leader"), school)
    assert card["safety"]["crimes_this_year"] == 0 and card["safety"]["accidents_this_year"] == 0
    assert card["monitor_gaps"] == 2 and 80 <= card["lesson_coverage"] < 100
    assert card["psych"]["by_risk"][2][1] == "<5"  # three high-grade cases: "<5" outside the team
    assert card["uncovered_next_week"] >= 1


def test_demo_accounts_see_their_part():
    load_core()
    load_campus()
    case = PsychCase.objects.first()
    client = Client()
    for username, status in (("psych_teacher", 200), ("principal", 200), ("school_safety", 404), ("leader", 404),
                             ("dispatcher", 404), ("admin", 404)):
        client.force_login(User.objects.get(username=username))
        assert client.get(f"/campus/psych/cases/{case.pk}/").status_code == status, username

"""Anonymity by construction: after a respondent answers with an invitation code, nothing
in the database or the logs links the code, the client or the time to the response."""

import logging
from datetime import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from safeharbor.surveys import actions
from safeharbor.surveys.models import AnswerValue, Invitation, Response, Survey, TextTerm
from tests.factories_surveys import make_survey

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
AGENT = "Mozilla/5.0 (Linux; Android 14; Driver-Phone-XYZ123) Mobile"


def all_text_in_database() -> list[tuple[str, str, str]]:
    """(table, column, value) of every text-like value of every table."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        found.append((table, column, str(value)))
    return found


def test_a_response_cannot_be_linked_to_its_code_the_client_or_the_time(client, alice, org, caplog):
    survey = make_survey(alice, org, access_mode=Survey.Access.INVITATION)
    batch = actions.create_invitation_batch(survey, actor=alice, label="货运公司", size=5)
    code = batch.code_list()[2]
    sessions_before = Session.objects.count()
    caplog.set_level(logging.DEBUG)

    url = f"/q/{survey.token}/"
    page = client.get(url, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    assert page.status_code == 200 and "无记名".encode() in page.content
    response = client.post(url, {"code": code, "a_q1": "1", "a_q2": "1", "a_q3": "2", "a_q4": ["1"],
                                 "a_q5": "罚款不说明理由"}, REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    assert response.cookies.get("sessionid") is None
    assert Session.objects.count() == sessions_before  # no session for the respondent

    saved = Response.objects.get()
    assert Invitation.objects.filter(used=True).count() == 1

    # The response row: answers, version and a day. Nothing else.
    columns = {f.column for f in Response._meta.concrete_fields}
    assert columns == {"id", "version_id", "submitted_on", "answers"}
    assert type(saved.submitted_on) is not datetime
    # The invitation row: the hash of its code and a flag. No time, no response.
    assert {f.column for f in Invitation._meta.concrete_fields} == {"id", "batch_id", "code_hash", "used"}
    # The answer rows the results are counted from: part of the response, nothing more.
    assert {f.column for f in AnswerValue._meta.concrete_fields} == {"id", "response_id", "version_id", "key", "row",
                                                                     "value"}
    assert AnswerValue.objects.filter(response=saved).exists()
    assert {f.column for f in TextTerm._meta.concrete_fields} == {"id", "response_id", "version_id", "key", "phrase",
                                                                  "term"}

    # No table holds the code in clear (the batch keeps it encrypted, to print the slips again),
    # the respondent's address or browser; no survey table holds a time of day.
    raw = code.replace("-", "")
    for table, column, value in all_text_in_database():
        assert code not in value and raw not in value, (table, column)
        assert AGENT not in value and "Driver-Phone" not in value, (table, column)
        if table.startswith(("surveys_response", "surveys_invitation", "surveys_answervalue", "surveys_textterm")):
            assert IP not in value, (table, column)
    response_fields = {f.get_internal_type() for f in Response._meta.concrete_fields}
    assert "DateTimeField" not in response_fields
    # No audit entry, no other row mentions the response (its own answer rows aside).
    for table, column, value in all_text_in_database():
        if table not in ("surveys_response", "surveys_answervalue", "surveys_textterm"):
            assert str(saved.pk) not in value and saved.pk.hex not in value, (table, column)

    # The logs of the whole exchange mention neither the code, nor the address, nor the agent.
    for record in caplog.records:
        message = record.getMessage()
        assert code not in message and raw not in message and IP not in message and AGENT not in message

    # One response per code: the same code again is refused, and nothing is stored.
    again = client.post(url, {"code": code, "a_q1": "1", "a_q2": "2"}, REMOTE_ADDR=IP)
    assert again.status_code == 400
    assert "已被使用".encode() in again.content or b"already been used" in again.content
    assert Response.objects.count() == 1


def test_response_ids_are_random_not_a_sequence(alice, org):
    survey = make_survey(alice, org)
    for _ in range(3):
        actions.submit_response(survey, data={"a_q1": "1", "a_q2": "2"})
    ids = [r.pk for r in Response.objects.all()]
    assert all(i.version == 4 for i in ids)  # uuid4: no order of arrival in the key


def test_open_link_is_rate_limited_without_storing_the_client(client, alice, org, settings):
    settings.SURVEY_RATE = "2/m"
    survey = make_survey(alice, org, title="open")
    url = f"/q/{survey.token}/"
    data = {"a_q1": "1", "a_q2": "2"}
    assert client.post(url, data, REMOTE_ADDR="198.51.100.9").status_code == 302
    assert client.post(url, data, REMOTE_ADDR="198.51.100.9").status_code == 302
    assert client.post(url, data, REMOTE_ADDR="198.51.100.9").status_code == 429
    assert Response.objects.count() == 2
    for table, column, value in all_text_in_database():
        assert "198.51.100.9" not in value, (table, column)


def test_closed_questionnaire_page(client, alice, org):
    survey = make_survey(alice, org)
    actions.close_survey(survey, actor=alice)
    page = client.get(f"/q/{survey.token}/")
    assert page.status_code == 410
    assert client.post(f"/q/{survey.token}/", {"a_q1": "1", "a_q2": "2"}).status_code == 410
    draft = make_survey(alice, org, title="draft", publish=False)
    assert client.get(f"/q/{draft.token}/").status_code == 404

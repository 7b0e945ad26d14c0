"""The cookies that let a resident (no account) back into what they submitted."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from safeharbor.core.passes import MAX_PROVEN, PROVEN_DAYS, get_pass, is_proven, remember, set_pass

COOKIE = "intake_tracked"


def browser_after(*responses, cookies=None):
    """A request from a browser holding the cookies the responses set (the latest wins)."""
    jar = dict(cookies or {})
    for response in responses:
        jar.update({name: morsel.value for name, morsel in response.cookies.items()})
    request = RequestFactory().get("/")
    request.COOKIES = jar
    return request


def prove(request, code, cookie=COOKIE):
    response = HttpResponse()
    remember(request, response, code, cookie=cookie)
    return browser_after(response, cookies=request.COOKIES)


def test_a_proven_code_opens_and_others_do_not():
    browser = prove(prove(browser_after(), "261129-AAAAAA"), "261129-BBBBBB")
    assert is_proven(browser, "261129-AAAAAA", cookie=COOKIE)
    assert is_proven(browser, "261129-BBBBBB", cookie=COOKIE)
    assert not is_proven(browser, "261129-CCCCCC", cookie=COOKIE)
    # A code proven on another kind of page (services) opens nothing here.
    assert not is_proven(prove(browser_after(), "261129-CCCCCC", cookie="services_tracked"), "261129-CCCCCC",
                         cookie=COOKIE)


def test_an_entry_made_up_or_copied_onto_another_code_opens_nothing():
    browser = prove(browser_after(), "261129-AAAAAA")
    entry = browser.COOKIES[COOKIE]
    forged = entry.replace("261129-AAAAAA", "261129-BBBBBB")
    assert not is_proven(browser_after(cookies={COOKIE: forged}), "261129-BBBBBB", cookie=COOKIE)
    assert not is_proven(browser_after(cookies={COOKIE: "261129-BBBBBB"}), "261129-BBBBBB", cookie=COOKIE)
    assert not is_proven(browser_after(cookies={COOKIE: "261129-BBBBBB:x:y|" + entry}), "261129-BBBBBB",
                         cookie=COOKIE)


def test_proving_again_keeps_one_entry_and_the_newest_codes_are_kept(time_machine):
    browser = browser_after()
    codes = [f"261129-{n:06d}" for n in range(MAX_PROVEN + 1)]
    for code in codes:
        browser = prove(browser, code)
    assert not is_proven(browser, codes[0], cookie=COOKIE)  # the oldest made room
    assert all(is_proven(browser, code, cookie=COOKIE) for code in codes[1:])
    browser = prove(browser, codes[1])
    assert browser.COOKIES[COOKIE].count(codes[1]) == 1
    assert len(browser.COOKIES[COOKIE]) < 4000  # a browser keeps cookies up to 4 KB


def test_a_code_proven_long_ago_opens_nothing(time_machine):
    time_machine.move_to("2026-10-01 10:00 +08:00")
    browser = prove(browser_after(), "261001-AAAAAA")
    time_machine.move_to("2026-10-20 10:00 +08:00")
    browser = prove(browser, "261020-BBBBBB")
    time_machine.move_to(f"2026-10-{1 + PROVEN_DAYS} 11:00 +08:00")
    assert not is_proven(browser, "261001-AAAAAA", cookie=COOKIE)
    assert is_proven(browser, "261020-BBBBBB", cookie=COOKIE)


@pytest.mark.parametrize("value", [{"code": "261129-AAAAAA", "check": "123456", "harbor": "永昌港湾"}])
def test_a_pass_reads_back_until_it_expires_and_not_when_tampered(time_machine, value):
    time_machine.move_to("2026-11-29 10:00 +08:00")
    response = HttpResponse()
    set_pass(response, "intake_receipt", value, max_age=3600)
    browser = browser_after(response)
    assert get_pass(browser, "intake_receipt", {}) == value
    assert get_pass(browser_after(cookies={"intake_receipt": browser.COOKIES["intake_receipt"] + "x"}),
                    "intake_receipt", {}) == {}
    assert get_pass(browser, "services_receipt", None) is None
    time_machine.move_to("2026-11-29 11:01 +08:00")
    assert get_pass(browser, "intake_receipt", {}) == {}

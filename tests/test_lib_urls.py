"""lib.urls.fixed_url: reverse() remembered per URL configuration and script prefix."""

from django.urls import clear_script_prefix, reverse, set_script_prefix

from safeharbor.lib.urls import fixed_url


def test_it_answers_what_reverse_answers_under_any_script_prefix():
    assert fixed_url("public:receipt") == reverse("public:receipt") == "/receipt/"
    set_script_prefix("/pingan/")
    try:
        assert fixed_url("public:receipt") == reverse("public:receipt") == "/pingan/receipt/"
    finally:
        clear_script_prefix()
    assert fixed_url("public:receipt") == "/receipt/"

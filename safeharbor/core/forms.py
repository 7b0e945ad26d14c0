from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


def add_action_error(form: forms.Form, error, *, fields: dict | None = None) -> int:
    """Show an ActionError next to the field it names (or at the top of the form); returns
    the HTTP status to answer with (400 bad input, 409 conflict). `fields` maps the
    action's field names to the form's where they differ."""
    name = error.extra.get("field")
    name = (fields or {}).get(name, name)
    form.add_error(name if name in form.fields else None, str(error.message))
    return error.status_code


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"), max_length=8, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "pattern": "[0-9 ]*"}),
    )

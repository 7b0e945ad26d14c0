"""One error type for business rules. Its message is translated and shown to the user:
as a form error on pages, as {"message": ..., "extra": {...}} with 400/409 in the API."""


class ActionError(Exception):
    status_code = 400

    def __init__(self, message, *, extra: dict | None = None, status_code: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code


class ConflictError(ActionError):
    """The record changed under the user's feet (state moved on, someone else acted)."""

    status_code = 409


# --- error answers outside the views ----------------------------------------------------------
# Code that answers before any view runs (middleware) answers in the error format of the part of
# the site the URL belongs to: each app registers its prefix (the API in JSON, Open311 in the
# GeoReport format), the rest gets plain text.

_ERROR_FORMATS: dict[str, object] = {}


def register_error_format(prefix: str, render) -> None:
    """`render(request, status, message)` answers errors for URLs under `prefix`."""
    _ERROR_FORMATS[prefix] = render


def error_response(request, status: int, message: str):
    for prefix, render in _ERROR_FORMATS.items():
        if request.path.startswith(prefix):
            return render(request, status, message)
    from django.http import HttpResponse

    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")

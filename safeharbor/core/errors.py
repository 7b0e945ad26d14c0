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

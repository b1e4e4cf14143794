"""The one error a route raises to answer with an HTTP status."""


class HttpError(Exception):
    """Answered as ``status`` with ``{"error": message}``."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status

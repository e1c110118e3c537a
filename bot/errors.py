"""The one error a page that cannot be read raises, wherever the reading stopped."""


class Unreadable(Exception):
    """A link that gave no article, with a short code and a reason fit to show the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

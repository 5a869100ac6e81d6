"""Errors the services raise; each message is Vietnamese and safe to show on screen as it is."""


class DomainError(Exception):
    """Base of every expected error: bad input, a missing permission, a rule of the procedure."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    pass


class PermissionDenied(DomainError):
    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này."):
        super().__init__(message)


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """Someone else changed the record first, or the value must be unique."""


class LoginFailed(DomainError):
    pass

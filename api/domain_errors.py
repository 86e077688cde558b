"""The HTTP status for each domain error that `reputation` services raise.

`api.errors` looks each raised exception up along its MRO, so a subclass inherits its
parent's status. A test checks that every error class in `reputation.errors` is listed.
"""

from __future__ import annotations

from reputation import errors

DOMAIN_ERROR_STATUS: dict[type[Exception], int] = {
    errors.ReputationError: 400,
    errors.MessageTooLargeError: 413,
    errors.InvalidAddressError: 422,
    errors.NotFoundError: 404,
    errors.ConflictError: 409,
    errors.UnknownStreamError: 422,
    errors.InvalidCursorError: 400,
    errors.AuthenticationError: 401,
}

"""Every error the service raises, one tree, one JSON shape.

    ScreeningError                  500 internal       (base; never shown with details)
    ├── ConfigError                 500 config_error   (bad settings; stops start-up)
    ├── PolicyError                 500 policy_error   (policy file invalid; stops start-up)
    ├── RuleSetError                422 invalid_rule_set (rule set refused; names the rule)
    ├── ModelError                  500 model_error    (artifact refused: hash/features)
    ├── StorageError                503 storage_unavailable (with Retry-After)
    │   ├── RedisUnavailable        503 redis_unavailable   (shared counters down)
    │   └── DuplicateRecord         409 duplicate_record (a unique key already taken)
    └── ApiError                    400 bad_request    (a client's request was wrong)
        ├── MalformedJSON           400 malformed_json
        ├── ValidationFailed        422 validation_failed (names the fields)
        ├── Unauthorized            401 unauthorized
        ├── Forbidden               403 forbidden
        ├── NotFound                404 not_found
        ├── MethodNotAllowed        405 method_not_allowed
        ├── Conflict                409 conflict
        │   ├── ReviewOpen          409 review_open      (a contest while one is open)
        │   ├── AlreadyResolved     409 already_resolved (a contest after a resolution)
        │   └── NotContestable      409 not_contestable  (a contest of an approval)
        ├── RequestTimeout          408 request_timeout (the body did not arrive in time)
        ├── PayloadTooLarge         413 payload_too_large
        ├── UnsupportedMediaType    415 unsupported_media_type
        ├── IdempotencyMismatch     422 idempotency_key_reused
        └── RateLimited             429 rate_limited

Rendered by :func:`screening.api.errors.register` as
``{"error": {"code", "message", "fields"?}}``. Messages never carry submitted
values: they name fields, never their contents.
"""

from __future__ import annotations

from typing import Any


class ScreeningError(Exception):
    """Base of every error we raise."""

    status_code: int = 500
    code: str = "internal"

    def __init__(
        self,
        message: str = "",
        *,
        fields: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        self.fields = fields
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


class ConfigError(ScreeningError):
    """The service's settings are invalid."""

    code = "config_error"


class PolicyError(ScreeningError):
    """The policy file is invalid."""

    code = "policy_error"


class RuleSetError(ScreeningError):
    """The rule set is invalid."""

    status_code = 422
    code = "invalid_rule_set"

    def __init__(self, message: str = "", *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message or "The rule set is invalid.", fields=errors)
        self.errors = errors or []


class ModelError(ScreeningError):
    """The model artifact was refused."""

    code = "model_error"


class StorageError(ScreeningError):
    """The database is unavailable."""

    status_code = 503
    code = "storage_unavailable"
    retry_after_seconds = 5

    def __init__(self, message: str = "", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        if self.status_code == 503:
            self.headers.setdefault("Retry-After", str(self.retry_after_seconds))


class RedisUnavailable(StorageError):
    """The shared counters (Redis) are unavailable; try again shortly."""

    code = "redis_unavailable"


class DuplicateRecord(StorageError):
    """A record with the same unique key exists already (e.g. a concurrent retry won)."""

    status_code = 409
    code = "duplicate_record"


class ApiError(ScreeningError):
    """The request is invalid."""

    status_code = 400
    code = "bad_request"


class MalformedJSON(ApiError):
    """The request body is not valid JSON."""

    code = "malformed_json"


class ValidationFailed(ApiError):
    """The request body does not match the expected shape."""

    status_code = 422
    code = "validation_failed"


class Unauthorized(ApiError):
    """A valid credential is required: send it as `Authorization: Bearer <key>`."""

    status_code = 401
    code = "unauthorized"


class Forbidden(ApiError):
    """The credential does not carry the scope this endpoint needs."""

    status_code = 403
    code = "forbidden"


class NotFound(ApiError):
    """Not found."""

    status_code = 404
    code = "not_found"


class MethodNotAllowed(ApiError):
    """The method is not allowed on this path."""

    status_code = 405
    code = "method_not_allowed"


class Conflict(ApiError):
    """The request conflicts with the current state."""

    status_code = 409
    code = "conflict"


class ReviewOpen(Conflict):
    """A review of this decision is already open."""

    code = "review_open"


class AlreadyResolved(Conflict):
    """A person has already reviewed this decision."""

    code = "already_resolved"


class NotContestable(Conflict):
    """This decision approved the signup: there is nothing to contest."""

    code = "not_contestable"


class RequestTimeout(ApiError):
    """The request body did not arrive in time; send it again."""

    status_code = 408
    code = "request_timeout"


class PayloadTooLarge(ApiError):
    """The request body is too large."""

    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(ApiError):
    """Send the body as `Content-Type: application/json`."""

    status_code = 415
    code = "unsupported_media_type"


class IdempotencyMismatch(ApiError):
    """This Idempotency-Key was already used with a different request body."""

    status_code = 422
    code = "idempotency_key_reused"


class RateLimited(ApiError):
    """Too many requests; retry later."""

    status_code = 429
    code = "rate_limited"

"""The application factory: settings -> runtime -> Flask app with the API registered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_openapi3 import Info, OpenAPI
from werkzeug.middleware.proxy_fix import ProxyFix

from screening import api, logs, web
from screening.api.errors import validation_error_response
from screening.api.schemas import ErrorResponse
from screening.config import Settings, load_settings
from screening.runtime import Runtime

API_VERSION = "1.0.0"


def create_app(config: Mapping[str, Any] | Settings | None = None) -> OpenAPI:
    """Build the app from defaults, then the environment, then ``config``.

    Args:
        config: setting overrides by field name (see :class:`screening.config.Settings`),
            or ready-made settings.

    Raises:
        ConfigError, PolicyError, RuleSetError: a part is invalid; nothing starts.
    """
    settings = config if isinstance(config, Settings) else load_settings(config)
    logs.configure(settings.log_level)
    runtime = Runtime(settings)
    try:
        runtime.prepare(migrate=runtime.db.dialect == "sqlite" or settings.env == "test")
    except BaseException:
        runtime.db.dispose()  # a refused start leaves no connection behind
        raise
    app = OpenAPI(
        __name__,
        info=Info(
            title="Signup screening",
            version=API_VERSION,
            description="Screen signups for fraud, keeping only what the privacy policy lists.",
        ),
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        doc_prefix="/docs",
        validation_error_status=422,
        validation_error_model=ErrorResponse,
        validation_error_callback=validation_error_response,
    )
    app.config.update(
        SECRET_KEY=settings.secret_key.get_secret_value(),
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["screening"] = runtime
    api.register(app)
    web.register(app)
    if settings.trusted_proxies:
        # Behind N proxies the client is N hops back in X-Forwarded-For; only those hops
        # are trusted, so a client cannot pick its own address (and rate-limit bucket).
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=0, x_port=0, x_prefix=0
        )
    return app

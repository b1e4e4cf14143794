"""Service settings from the environment and the fleet's params, and the health report.

Env (the seed's provider and function environment): ``SERVICE_NAME``, ``SERVICE_PORT``,
``ENABLE_NATS``, ``ENABLE_OTEL``, and the sibling services' ``*_SERVICE_URL``. ``DATABASE_URL`` and
``REDIS_URL`` carry passwords, so they are the secure params ``database-url`` and ``redis-url``.
"""

import os
import socket
import urllib.parse

import ops_params
from motadata_ai_sdk.errors import HttpError


def service_name():
    return os.environ.get("SERVICE_NAME", "unknown-service")


def flag(name):
    return os.environ.get(name, "false").strip().lower() in ("1", "true", "yes")


def service_url(env_name):
    """A sibling service's base URL; a 500 naming the variable when it is not configured."""
    url = os.environ.get(env_name, "").rstrip("/")
    if not url:
        raise HttpError(500, f"{env_name} is not set")
    return url


def reachable(url, default_port, timeout_seconds=2.0):
    """``"ok"`` when a TCP connection to the URL's host and port opens, else why not; never raises."""
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname:
        return "error: not a URL"
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout=timeout_seconds):
            return "ok"
    except OSError as e:
        return f"error: {parts.hostname} unreachable ({e.strerror or e})"


def health():
    try:
        urls = ops_params.get_params(["database-url", "redis-url"])
        dependencies = {"database": reachable(urls["database-url"], 5432), "redis": reachable(urls["redis-url"], 6379)}
    except ops_params.ParamsError as e:
        dependencies = {"params": f"error: {e}"}
    return {
        "service": service_name(),
        "port": int(os.environ.get("SERVICE_PORT", "8080")),
        "status": "ok" if all(v == "ok" for v in dependencies.values()) else "degraded",
        "features": {"nats": flag("ENABLE_NATS"), "otel": flag("ENABLE_OTEL")},
        "dependencies": dependencies,
    }

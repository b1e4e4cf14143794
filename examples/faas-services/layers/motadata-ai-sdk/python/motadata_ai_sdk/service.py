"""A small service framework: routes, the API Gateway event adapter, JSON responses, health.

It plays the part FastAPI plus Mangum play in the seed: a service declares its routes under its
prefix (``/api/v1/agents``), and ``service.handler`` turns the API's event into a call to the
matching route and its result into the proxy response. ``GET <prefix>/health`` is built in.

The services sit behind a REST API (payload 1.0: ``httpMethod``, ``path`` without the stage, so the
routes need not know it); as Mangum does, an HTTP API's payload 2.0 event is read too.
"""

import base64
import json
import re

from motadata_ai_sdk import settings
from motadata_ai_sdk.errors import HttpError

__all__ = ["HttpError", "Request", "Service", "respond"]


class Request:
    def __init__(self, method, path, params, query, body, headers):
        self.method, self.path, self.params, self.query, self.headers = method, path, params, query, headers
        self._body = body

    def json(self):
        try:
            value = json.loads(self._body or "{}")
        except ValueError:
            raise HttpError(400, "request body is not valid JSON")
        if not isinstance(value, dict):
            raise HttpError(400, "request body must be a JSON object")
        return value


class Service:
    def __init__(self, prefix):
        self.prefix = prefix.rstrip("/")
        self.routes = []
        self.route("GET", "/health")(lambda req: settings.health())

    def route(self, method, pattern):
        """``@service.route("POST", "/{name}/run")``: ``{name}`` becomes ``req.params["name"]``."""
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.prefix + pattern) + "$")

        def register(fn):
            self.routes.append((method, regex, fn))
            return fn

        return register

    def handler(self, event, context):
        method, path = _method_and_path(event)
        body = event.get("body")
        if body and event.get("isBase64Encoded"):
            body = base64.b64decode(body).decode("utf-8")
        allowed = []
        for route_method, regex, fn in self.routes:
            match = regex.match(path)
            if not match:
                continue
            if route_method != method:
                allowed.append(route_method)
                continue
            req = Request(method, path, match.groupdict(), event.get("queryStringParameters") or {}, body, event.get("headers") or {})
            try:
                return respond(200, fn(req))
            except HttpError as e:
                return respond(e.status, {"error": str(e)})
            finally:
                print(json.dumps({"service": settings.service_name(), "method": method, "path": path}))
        if allowed:
            return respond(405, {"error": f"{method} not allowed; use {', '.join(sorted(set(allowed)))}"})
        return respond(404, {"error": f"no route for {method} {path}"})


def _method_and_path(event):
    """Payload 1.0 (REST API) first, else 2.0 (HTTP API)."""
    if event.get("httpMethod"):
        return event["httpMethod"], event.get("path") or "/"
    http = (event.get("requestContext") or {}).get("http") or {}
    return http.get("method", "GET"), event.get("rawPath") or http.get("path") or "/"


def respond(status, payload):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"},
        "body": json.dumps(payload),
    }

"""Calls between the services, over the same public API they are deployed behind."""

import json
import urllib.error
import urllib.request

from motadata_ai_sdk.errors import HttpError


def call(base_url, method, path, body=None, timeout_seconds=25):
    """JSON in, JSON out; a failure becomes a 502 HttpError naming the service URL."""
    url = base_url.rstrip("/") + path
    req = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method=method,
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout_seconds) as res:
            return json.loads(res.read().decode("utf-8") or "null")
    except urllib.error.HTTPError as e:
        raise HttpError(502, f"{method} {url} answered HTTP {e.code}") from e
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
        raise HttpError(502, f"{method} {url} failed: {getattr(e, 'reason', e)}") from e

"""Pinecone: find the index's host once, then query it. The only module that talks to Pinecone.

The key is the secure param ``pinecone-api-key``, the index name ``PINECONE_INDEX_NAME`` (from the
``pinecone-index-name`` param); ``PINECONE_API_URL`` (default https://api.pinecone.io) points it at
a local stub in tests.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

import ops_params

DEFAULT_API_URL = "https://api.pinecone.io"
_host = {}


class PineconeError(Exception):
    """Pinecone refused the request or could not be reached."""


def _call(method, url, payload=None):
    req = urllib.request.Request(
        url,
        data=None if payload is None else json.dumps(payload).encode(),
        headers={"Api-Key": ops_params.get_param("pinecone-api-key"), "Content-Type": "application/json", "X-Pinecone-API-Version": "2025-04"},
        method=method,
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return json.loads(res.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as e:
        raise PineconeError(f"Pinecone answered HTTP {e.code}: {e.read().decode('utf-8', 'replace')[:300]}") from e
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
        raise PineconeError(f"Pinecone could not be reached: {getattr(e, 'reason', e)}") from e


def index_host():
    name = os.environ.get("PINECONE_INDEX_NAME", "")
    if not name:
        raise PineconeError("PINECONE_INDEX_NAME is not set")
    if name not in _host:
        api = os.environ.get("PINECONE_API_URL", DEFAULT_API_URL).rstrip("/")
        host = _call("GET", f"{api}/indexes/{urllib.parse.quote(name)}").get("host")
        if not host:
            raise PineconeError(f"Pinecone has no host for index {name}")
        _host[name] = host if "://" in host else f"https://{host}"
    return _host[name]


def query(vector, top_k=3, namespace=""):
    """The ``top_k`` nearest passages: ``[{"id", "score", "text"}]`` (text from the metadata)."""
    body = _call("POST", f"{index_host()}/query", {"vector": vector, "topK": top_k, "includeMetadata": True, "namespace": namespace})
    return [
        {"id": m.get("id"), "score": m.get("score"), "text": (m.get("metadata") or {}).get("text", "")}
        for m in body.get("matches") or []
    ]

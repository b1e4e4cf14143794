"""OpenAI: embeddings and JSON chat completions. The only module that talks to OpenAI.

The key is the secure param ``openai-api-key``; ``OPENAI_BASE_URL`` (default
https://api.openai.com/v1) points it at a local stub in tests.
"""

import json
import os
import urllib.error
import urllib.request

import ops_params

DEFAULT_BASE_URL = "https://api.openai.com/v1"


class OpenAIError(Exception):
    """OpenAI refused the request, could not be reached, or answered something unusable."""


def _post(path, payload):
    url = os.environ.get("OPENAI_BASE_URL", DEFAULT_BASE_URL).rstrip("/") + path
    req = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {ops_params.get_param('openai-api-key')}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=float(os.environ.get("OPENAI_TIMEOUT_SECONDS", "20"))) as res:
            return json.loads(res.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        raise OpenAIError(f"OpenAI answered HTTP {e.code}: {e.read().decode('utf-8', 'replace')[:300]}") from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise OpenAIError(f"OpenAI could not be reached: {getattr(e, 'reason', e)}") from e
    except ValueError as e:
        raise OpenAIError("OpenAI answered with something that is not JSON") from e


def embed(text):
    body = _post("/embeddings", {"model": os.environ.get("OPENAI_EMBEDDING_MODEL", "text-embedding-3-small"), "input": text})
    try:
        return body["data"][0]["embedding"]
    except (KeyError, IndexError, TypeError) as e:
        raise OpenAIError("OpenAI returned no embedding") from e


def chat_json(system, user):
    """The model's answer as a JSON object (``response_format: json_object``)."""
    body = _post(
        "/chat/completions",
        {
            "model": os.environ.get("OPENAI_MODEL", "gpt-4o-mini"),
            "response_format": {"type": "json_object"},
            "temperature": 0.2,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        },
    )
    try:
        answer = json.loads(body["choices"][0]["message"]["content"])
    except (KeyError, IndexError, TypeError, ValueError) as e:
        raise OpenAIError("OpenAI returned no JSON answer") from e
    if not isinstance(answer, dict):
        raise OpenAIError("OpenAI's answer is not a JSON object")
    return answer

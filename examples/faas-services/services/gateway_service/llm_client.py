"""The LLM provider behind the gateway (an OpenAI-compatible chat completions API).

The only module that talks to the provider. The key is the secure param ``llm/api-key``;
``LLM_BASE_URL`` (default https://api.openai.com/v1) points it at a local stub in tests.
"""

import json
import os
import urllib.error
import urllib.request

import ops_params
from motadata_ai_sdk.service import HttpError

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def chat(model, messages, max_tokens):
    """``(reply message, usage)`` from the provider; a 502 HttpError when it fails."""
    url = os.environ.get("LLM_BASE_URL", DEFAULT_BASE_URL).rstrip("/") + "/chat/completions"
    req = urllib.request.Request(
        url,
        data=json.dumps({"model": model, "messages": messages, "max_tokens": max_tokens}).encode(),
        headers={"Authorization": f"Bearer {ops_params.get_param('llm/api-key')}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=50) as res:
            body = json.loads(res.read().decode("utf-8"))
        return body["choices"][0]["message"], body.get("usage") or {}
    except urllib.error.HTTPError as e:
        raise HttpError(502, f"LLM provider answered HTTP {e.code}") from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise HttpError(502, f"LLM provider could not be reached: {getattr(e, 'reason', e)}") from e
    except (ValueError, KeyError, IndexError, TypeError) as e:
        raise HttpError(502, "LLM provider answered without a message") from e

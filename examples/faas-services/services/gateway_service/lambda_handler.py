"""gateway-service: the LLM gateway every other service calls (``ANY /api/v1/gateway/{proxy+}``).

``POST /api/v1/gateway/chat`` ``{"messages": [{"role", "content"}], "model"?, "max_tokens"?}`` ->
``{"model", "message", "usage"}``; ``GET /api/v1/gateway/models``; ``GET /api/v1/gateway/health``.
Models a caller may ask for are ``LLM_MODELS`` (comma separated, the first is the default).
"""

import os

import llm_client
from motadata_ai_sdk.service import HttpError, Service

service = Service("/api/v1/gateway")
ROLES = ("system", "user", "assistant")


def models():
    return [m.strip() for m in os.environ.get("LLM_MODELS", "gpt-4o-mini").split(",") if m.strip()]


@service.route("GET", "/models")
def list_models(req):
    return {"models": models(), "default": models()[0]}


@service.route("POST", "/chat")
def chat(req):
    body = req.json()
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(
        isinstance(m, dict) and m.get("role") in ROLES and isinstance(m.get("content"), str) for m in messages
    ):
        raise HttpError(400, "messages must be a non-empty list of {role: system|user|assistant, content: string}")
    model = body.get("model") or models()[0]
    if model not in models():
        raise HttpError(400, f"model must be one of {', '.join(models())}")
    max_tokens = body.get("max_tokens", 512)
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or not 1 <= max_tokens <= 4096:
        raise HttpError(400, "max_tokens must be a whole number 1..4096")
    message, usage = llm_client.chat(model, messages, max_tokens)
    return {"model": model, "message": message, "usage": usage}


handler = service.handler

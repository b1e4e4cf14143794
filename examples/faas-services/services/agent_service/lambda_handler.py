"""agent-service: runs the configured agents (``ANY /api/v1/agents/{proxy+}``).

``GET /api/v1/agents/list``; ``POST /api/v1/agents/{name}/run`` ``{"input"}`` -> ``{"agent",
"answer", "sources", "cached"}``: passages from rag-service (``RAG_SERVICE_URL``) when the agent
uses retrieval, the answer from the LLM gateway (``GATEWAY_SERVICE_URL``), and the answer kept in
the cache service (``CACHE_SERVICE_URL``, best effort: the agent works without it).
``GET /api/v1/agents/health``.
"""

import hashlib
import json

from motadata_ai_sdk import client, settings
from motadata_ai_sdk.service import HttpError, Service

service = Service("/api/v1/agents")
CACHE_TTL_SECONDS = 3600
MAX_INPUT = 8000

AGENTS = {
    "support": {
        "description": "Answers product questions from the documentation",
        "system": "You are a support engineer. Answer from the context; say so when it does not cover the question.",
        "retrieval": True,
    },
    "summarizer": {
        "description": "Summarises the input in three sentences",
        "system": "Summarise the user's text in at most three sentences.",
        "retrieval": False,
    },
}


@service.route("GET", "/list")
def list_agents(req):
    return {"agents": [{"name": n, "description": a["description"], "retrieval": a["retrieval"]} for n, a in AGENTS.items()]}


@service.route("POST", "/{name}/run")
def run(req):
    agent = AGENTS.get(req.params["name"])
    if agent is None:
        raise HttpError(404, f"no agent {req.params['name']}; agents: {', '.join(AGENTS)}")
    text = req.json().get("input")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_INPUT:
        raise HttpError(400, f"input is required (a non-empty string of at most {MAX_INPUT} characters)")
    key = hashlib.sha256(json.dumps([req.params["name"], text]).encode()).hexdigest()
    cached = cache_get(key)
    if cached is not None:
        return {**cached, "cached": True}

    sources, context = [], ""
    if agent["retrieval"]:
        found = client.call(settings.service_url("RAG_SERVICE_URL"), "POST", "/api/v1/rag/query", {"query": text, "top_k": 3})
        sources = [f"{p['document']}#{p['passage']}" for p in found["passages"]]
        context = "\n".join(f"- {p['text']}" for p in found["passages"]) or "(nothing found)"
    user = f"Context:\n{context}\n\nQuestion: {text}" if agent["retrieval"] else text
    reply = client.call(
        settings.service_url("GATEWAY_SERVICE_URL"),
        "POST",
        "/api/v1/gateway/chat",
        {"messages": [{"role": "system", "content": agent["system"]}, {"role": "user", "content": user}]},
    )
    result = {"agent": req.params["name"], "answer": reply["message"]["content"], "sources": sources}
    cache_put(key, result)
    return {**result, "cached": False}


def cache_get(key):
    try:
        hit = client.call(settings.service_url("CACHE_SERVICE_URL"), "GET", f"/api/v1/cache/{key}", timeout_seconds=2)
    except HttpError:
        return None
    return hit.get("value") if isinstance(hit, dict) else None


def cache_put(key, value):
    try:
        client.call(settings.service_url("CACHE_SERVICE_URL"), "PUT", f"/api/v1/cache/{key}", {"value": value, "ttl_seconds": CACHE_TTL_SECONDS}, 2)
    except HttpError as e:
        print(json.dumps({"msg": "cache put failed", "error": str(e)}))


handler = service.handler

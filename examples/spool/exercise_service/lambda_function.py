"""Spool exercise service behind API Gateway (HTTP API, payload 2.0).

Routes::

    GET  /health                   database reachability (production only), configuration
    POST /api/exercise/generate    {"topic", "level"?}              -> {"exercise", "sources"}
    POST /api/exercise/evaluate    {"question", "response", "answer_key"?} -> {"evaluation"}
    POST /api/exercise/remediate   {"topic", "question", "response", "feedback"?} -> {"remediation", "sources"}

Generation and remediation ground the model in the nearest passages from Pinecone. Secrets come
from the secure params (``openai-api-key``, ``pinecone-api-key``, ``postgres-url``); ``ENVIRONMENT``,
``PINECONE_INDEX_NAME`` and ``CORS_ORIGINS`` are plain params ops puts into the environment.
"""

import base64
import json
import os

import db
import ops_params
import openai_client
import pinecone_client

LEVELS = ("beginner", "intermediate", "advanced")
MAX_FIELD = 4000


class BadRequest(Exception):
    pass


def lambda_handler(event, context):
    http = (event.get("requestContext") or {}).get("http") or {}
    method, path = http.get("method", "GET"), event.get("rawPath") or http.get("path") or "/"
    try:
        if path == "/health" and method == "GET":
            status, payload = health()
        elif method == "POST" and path in ROUTES:
            status, payload = 200, ROUTES[path](_body(event))
        else:
            status, payload = 404, {"error": f"no route for {method} {path}"}
    except BadRequest as e:
        status, payload = 400, {"error": str(e)}
    except (openai_client.OpenAIError, pinecone_client.PineconeError) as e:
        status, payload = 502, {"error": str(e)}
    except ops_params.ParamsError as e:
        status, payload = 500, {"error": f"configuration: {e}"}
    print(json.dumps({"msg": "request", "method": method, "path": path, "status": status}))
    return {"statusCode": status, "headers": _headers(event), "body": json.dumps(payload)}


def health():
    environment = os.environ.get("ENVIRONMENT", "development")
    checks = {"database": db.ping() if environment == "production" else "skipped"}
    try:
        ops_params.get_params(["openai-api-key", "pinecone-api-key"])
        checks["secrets"] = "ok"
    except ops_params.ParamsError as e:
        checks["secrets"] = f"error: {e}"
    healthy = all(v in ("ok", "skipped") for v in checks.values())
    return (200 if healthy else 503), {"status": "healthy" if healthy else "unhealthy", "environment": environment, "checks": checks}


def generate(body):
    topic = _text(body, "topic")
    level = body.get("level", "beginner")
    if level not in LEVELS:
        raise BadRequest(f"level must be one of {', '.join(LEVELS)}")
    passages = pinecone_client.query(openai_client.embed(topic))
    exercise = openai_client.chat_json(
        "You write one practice exercise for a learner. Answer with JSON: "
        '{"question": str, "answer_key": str, "hints": [str]}. Use only the reference material.',
        f"Topic: {topic}\nLevel: {level}\nReference material:\n{_context(passages)}",
    )
    return {"exercise": {"topic": topic, "level": level, **exercise}, "sources": [p["id"] for p in passages]}


def evaluate(body):
    question, response = _text(body, "question"), _text(body, "response")
    evaluation = openai_client.chat_json(
        "You grade a learner's answer. Answer with JSON: "
        '{"score": number between 0 and 1, "correct": bool, "feedback": str}.',
        f"Question: {question}\nAnswer key: {body.get('answer_key') or '(none)'}\nLearner's answer: {response}",
    )
    return {"evaluation": evaluation}


def remediate(body):
    topic, question, response = _text(body, "topic"), _text(body, "question"), _text(body, "response")
    passages = pinecone_client.query(openai_client.embed(f"{topic}: {question}"))
    remediation = openai_client.chat_json(
        "A learner answered wrongly. Explain the misconception and give two short practice items. Answer with JSON: "
        '{"explanation": str, "practice": [str]}.',
        f"Question: {question}\nLearner's answer: {response}\nFeedback so far: {body.get('feedback') or '(none)'}\n"
        f"Reference material:\n{_context(passages)}",
    )
    return {"remediation": remediation, "sources": [p["id"] for p in passages]}


ROUTES = {"/api/exercise/generate": generate, "/api/exercise/evaluate": evaluate, "/api/exercise/remediate": remediate}


def _body(event):
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8")
    try:
        body = json.loads(raw or "{}")
    except ValueError:
        raise BadRequest("request body is not valid JSON")
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object")
    return body


def _text(body, field):
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"{field} is required (a non-empty string)")
    if len(value) > MAX_FIELD:
        raise BadRequest(f"{field} is longer than {MAX_FIELD} characters")
    return value.strip()


def _context(passages):
    return "\n".join(f"- {p['text']}" for p in passages if p["text"]) or "(none found)"


def _headers(event):
    try:
        origins = json.loads(os.environ.get("CORS_ORIGINS", '["*"]'))
    except ValueError:
        origins = ["*"]
    origin = (event.get("headers") or {}).get("origin")
    allowed = "*" if "*" in origins else (origin if origin in origins else (origins[0] if origins else ""))
    return {"Content-Type": "application/json", "Access-Control-Allow-Origin": allowed}

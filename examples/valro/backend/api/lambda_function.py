"""valro-backend: the task API behind API Gateway (HTTP API, payload 2.0).

Routes: ``POST /tasks`` creates a task and starts the worker asynchronously (202), ``GET /tasks``
lists tasks newest first, ``GET /tasks/{id}`` is what the frontend polls. The seed's test payload
``{"httpMethod": "GET", "path": "/tasks"}`` (REST style) is understood too.

Env: ``TASKS_TABLE`` (the fleet's ``tasks`` table, from ``uses``); ``WORKER_FUNCTION_NAME`` is set by ops from ``invokes: ['worker']``
(the seed's ``WORKER_LAMBDA_ARN``; Invoke takes a name or an ARN).
"""

import base64
import json
import os

import boto3
from botocore.exceptions import BotoCoreError, ClientError

import dynamodb_helpers as db

MAX_DESCRIPTION = 2000
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*", "Access-Control-Allow-Methods": "GET,POST,OPTIONS"}

_lambda = None


def lambda_handler(event, context):
    method, path, body, path_params = _request(event)
    parts = [p for p in path.split("/") if p]
    if parts == ["tasks"] and method == "POST":
        return create(body)
    if parts == ["tasks"] and method == "GET":
        return respond(200, db.list_tasks())
    if len(parts) == 2 and parts[0] == "tasks" and method == "GET":
        task = db.get_task(path_params.get("id") or parts[1])
        return respond(200, task) if task else respond(404, {"error": "Task not found"})
    if method == "OPTIONS":
        return respond(204, None)
    return respond(404, {"error": f"No route for {method} {path}"})


def create(body):
    try:
        payload = json.loads(body or "{}")
    except ValueError:
        return respond(400, {"error": "request body is not valid JSON"})
    description = payload.get("description") if isinstance(payload, dict) else None
    if not isinstance(description, str) or not description.strip():
        return respond(400, {"error": "description is required (a non-empty string)"})
    if len(description) > MAX_DESCRIPTION:
        return respond(400, {"error": f"description is longer than {MAX_DESCRIPTION} characters"})
    task = db.create_task(description.strip())
    try:
        worker().invoke(
            FunctionName=os.environ["WORKER_FUNCTION_NAME"],
            InvocationType="Event",
            Payload=json.dumps({"task_id": task["id"], "description": task["description"]}).encode(),
        )
    except (KeyError, BotoCoreError, ClientError) as e:
        reason = "WORKER_FUNCTION_NAME not set" if isinstance(e, KeyError) else str(e)
        db.update_task(task["id"], f"Could not start the worker: {reason}", "error", status="error", error_message=reason)
        print(json.dumps({"msg": "worker invoke failed", "task_id": task["id"], "error": reason}))
        return respond(502, {"id": task["id"], "status": "error", "error": "could not start processing"})
    db.update_task(task["id"], "Worker Lambda invoked - processing started")
    print(json.dumps({"msg": "task created", "task_id": task["id"]}))
    return respond(202, {"id": task["id"], "status": "pending", "message": "Task created and processing started"})


def worker():
    global _lambda
    if _lambda is None:
        _lambda = boto3.client("lambda")
    return _lambda


def _request(event):
    """(method, path, body, path parameters) from an HTTP API 2.0 event or a REST-style one."""
    http = (event.get("requestContext") or {}).get("http") or {}
    method = (http.get("method") or event.get("httpMethod") or "GET").upper()
    path = event.get("rawPath") or http.get("path") or event.get("path") or "/"
    body = event.get("body")
    if body and event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8")
    return method, path, body, event.get("pathParameters") or {}


def respond(status, payload):
    headers = {**CORS, "Content-Type": "application/json"}
    return {"statusCode": status, "headers": headers, "body": "" if payload is None else json.dumps(payload)}

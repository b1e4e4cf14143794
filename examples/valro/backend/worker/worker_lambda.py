"""valro-worker: runs one task through the AgentCore agent and records the outcome.

Invoked asynchronously by the API with ``{"task_id": "...", "description": "..."}`` (the seed's
test payload works as a direct invoke too: a task it does not find is created first). Status goes
pending -> processing -> completed, or error with ``error_message`` when the agent fails; an agent
failure is recorded, not raised, so Lambda does not retry it. Anything else raises: Lambda retries
(``async.maxRetries``) and then hands the event to the on-failure destination.

Env: ``TASKS_TABLE`` (the fleet's ``tasks`` table, from ``uses``), ``AGENT_RUNTIME_ARN``.
"""

import json
import os

import agentcore_client
import dynamodb_helpers as db

# Leave time to record the outcome before Lambda's timeout.
RECORD_MARGIN_SECONDS = 15


def lambda_handler(event, context):
    task_id = event.get("task_id")
    if not isinstance(task_id, str) or not task_id:
        raise ValueError('expected {"task_id": "...", "description": "..."}')
    task = db.get_task(task_id)
    if task is None:
        if not event.get("description"):
            return {"task_id": task_id, "status": "skipped", "reason": "task not found"}
        task = db.create_task(event["description"], task_id=task_id, first_event="Task created by a direct worker invoke")
    if task["status"] == "completed":
        return {"task_id": task_id, "status": "completed", "skipped": True}

    db.update_task(task_id, "Agent processing started", status="processing")
    runtime_arn = os.environ.get("AGENT_RUNTIME_ARN")
    try:
        if not runtime_arn:
            raise agentcore_client.AgentError("AGENT_RUNTIME_ARN not set")
        text, answer = agentcore_client.invoke(runtime_arn, task["description"], task_id, _time_left(context))
    except agentcore_client.AgentError as e:
        db.update_task(task_id, f"Agent failed: {e}", "error", status="error", error_message=str(e))
        print(json.dumps({"msg": "agent failed", "task_id": task_id, "error": str(e)}))
        return {"task_id": task_id, "status": "error", "error_message": str(e)}

    answer = answer or {}
    db.update_task(
        task_id,
        "Agent completed task successfully",
        "success",
        status="completed",
        agent_response=answer.get("message") or text,
        vendors=answer.get("vendors") or [],
        quotes=answer.get("quotes") or [],
        emails_sent=int(answer.get("emails_sent") or 0),
    )
    print(json.dumps({"msg": "task completed", "task_id": task_id}))
    return {"task_id": task_id, "status": "completed"}


def _time_left(context):
    if context is None:
        return 540
    return max(5, context.get_remaining_time_in_millis() / 1000 - RECORD_MARGIN_SECONDS)

"""Phase 2, approval: ``POST /approval?alert_id=...&action=approve|reject&approved_by=...&comment=...``.

Behind the REST API (payload 1.0, or an HTTP API's 2.0; the fields may also come as a JSON body), or invoked directly
with the same fields as the event (the seed's test payload). Moves a ``pending`` alert to
``approved`` or ``rejected`` exactly once (a conditional update), publishes ``{"alert_id"}`` to the
``EXECUTION_TRIGGER_TOPIC_ARN`` topic when approved, and sends a confirmation.

Answers ``{"statusCode", "headers", "body"}``: 200 with the new status, 400 for a bad request,
404 for an unknown alert, 409 when the alert was already decided.
"""

import base64
import json
import os
import urllib.parse

import boto3

from components import alerts, notify
from utils.mylogger import log

ACTIONS = {"approve": "approved", "reject": "rejected"}
_sns = None


def lambda_handler(event, context):
    fields = request_fields(event)
    alert_id, action = fields.get("alert_id"), (fields.get("action") or "").lower()
    who, comment = fields.get("approved_by"), fields.get("comment") or ""
    problems = [
        m
        for bad, m in (
            (not alert_id, "alert_id is required"),
            (action not in ACTIONS, "action must be approve or reject"),
            (not who, "approved_by is required"),
        )
        if bad
    ]
    if problems:
        return respond(400, {"error": "; ".join(problems)})
    alert = alerts.get_alert(alert_id)
    if alert is None:
        return respond(404, {"error": f"alert {alert_id} not found"})

    status, at = ACTIONS[action], alerts.now_iso()
    changes = (
        {"approved_by": who, "approved_at": at, "approval_comment": comment}
        if action == "approve"
        else {"rejected_by": who, "rejected_at": at, "rejection_reason": comment}
    )
    if not alerts.update_alert(alert_id, expect={"approval_status": "pending"}, approval_status=status, **changes):
        current = alerts.get_alert(alert_id) or {}
        return respond(409, {"error": f"alert {alert_id} is already {current.get('approval_status')}"})
    if action == "approve":
        sns().publish(TopicArn=os.environ["EXECUTION_TRIGGER_TOPIC_ARN"], Message=json.dumps({"alert_id": alert_id}))
    notified = notify.message(f"[CloudOps] {alert.get('domain')}: {status} by {who}", comment or f"Alert {alert_id} {status}.")
    log("alert " + status, alert_id=alert_id, by=who, notified=notified)
    return respond(200, {"alert_id": alert_id, "approval_status": status, "execution_triggered": action == "approve"})


def request_fields(event):
    """Query string and JSON body of an API Gateway event (REST or HTTP API), or the event itself for a direct invoke."""
    if "requestContext" not in event:
        return {k: v for k, v in event.items() if isinstance(v, str)}
    fields = dict(event.get("queryStringParameters") or {})
    if not fields and event.get("rawQueryString"):
        fields = dict(urllib.parse.parse_qsl(event["rawQueryString"]))
    body = event.get("body")
    if body:
        if event.get("isBase64Encoded"):
            body = base64.b64decode(body).decode("utf-8")
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = dict(urllib.parse.parse_qsl(body))
        if isinstance(parsed, dict):
            fields.update({k: v for k, v in parsed.items() if isinstance(v, str)})
    return fields


def sns():
    global _sns
    if _sns is None:
        _sns = boto3.client("sns")
    return _sns


def respond(status, payload):
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(payload)}

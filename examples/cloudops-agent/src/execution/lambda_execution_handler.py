"""Phase 3, execution: subscribed to the ``execution-trigger`` SNS topic.

Each SNS record carries ``{"alert_id": "..."}`` (a direct invoke may send that object itself).
For an approved alert not yet executed: reads the analysis back from S3, asks the agent - in the
alert's own session, so it remembers its analysis - for the actions to take, runs the ones this
function may run (``components.actions``), uploads the execution log to S3, records the outcome
in DynamoDB and notifies. An alert that is not approved, or already executed (SNS delivers at
least once), is skipped.

Returns ``{"executions": [{"alert_id", "status", ...}]}``.
"""

import json

from components import actions, agent, alerts, notify
from utils.mylogger import log


def lambda_handler(event, context):
    return {"executions": [execute(alert_id) for alert_id in alert_ids(event)]}


def alert_ids(event):
    if isinstance(event, dict) and "Records" in event:
        out = []
        for record in event["Records"]:
            message = json.loads(record["Sns"]["Message"])
            out.append(message["alert_id"])
        return out
    if isinstance(event, dict) and event.get("alert_id"):
        return [event["alert_id"]]
    raise ValueError('expected an SNS event or {"alert_id": "..."}')


def execute(alert_id):
    alert = alerts.get_alert(alert_id)
    if alert is None:
        log("Execution skipped", alert_id=alert_id, reason="not found")
        return {"alert_id": alert_id, "status": "skipped", "reason": "alert not found"}
    if alert.get("approval_status") != "approved":
        return {"alert_id": alert_id, "status": "skipped", "reason": f"alert is {alert.get('approval_status')}"}
    if not alerts.update_alert(alert_id, expect={"execution_status": "not_started"}, execution_status="in_progress"):
        return {"alert_id": alert_id, "status": "skipped", "reason": "already executed or executing"}

    analysis = alerts.get_text(alert["s3_analysis_key"])
    prompt = (
        f"The operator {alert.get('approved_by')} approved your recommendations for {alert['domain']}"
        f"{': ' + alert['approval_comment'] if alert.get('approval_comment') else ''}. Reply with JSON "
        '{"actions": [{"type": "...", ...}], "summary": "..."} listing the actions to execute now. '
        f"Your analysis was:\n\n{analysis}"
    )
    try:
        answer = agent.invoke(prompt, alert["agent_session_id"], timeout_seconds=600)
        proposed, summary = actions.proposed(answer)
        results = [actions.run(a) for a in proposed]
    except agent.AgentError as e:
        summary, results = f"agent failed: {e}", [{"type": "agent", "status": "failed", "detail": str(e)}]
    status = "failed" if any(r["status"] == "failed" for r in results) else "completed"
    lines = [f"- {r['type']}: {r['status']} ({r['detail']})" for r in results] or ["- no actions proposed"]
    key = alerts.object_key("executions", alert["domain"], alert_id)
    alerts.put_text(key, f"# Execution of alert `{alert_id}` ({alert['domain']})\n\n{summary}\n\n" + "\n".join(lines) + "\n")
    alerts.update_alert(
        alert_id,
        execution_status=status,
        executed_at=alerts.now_iso(),
        execution_log=summary,
        execution_details=json.dumps({"actions": results, "s3_execution_key": key}),
    )
    notified = notify.message(f"[CloudOps] {alert['domain']}: execution {status}", summary + "\n" + "\n".join(lines))
    log("Execution completed" if status == "completed" else "Execution failed", alert_id=alert_id, actions=len(results), notified=notified)
    return {"alert_id": alert_id, "status": status, "actions": results, "s3_execution_key": key}

"""Phase 1, detection and analysis: run every five minutes by an EventBridge schedule.

Checks every domain in ``MONITORED_DOMAINS`` (comma separated; a manual invoke may pass
``{"domains": [...]}`` instead). For each one with an issue: asks the agent for an analysis in a
new session, uploads it to S3, stores the alert as ``pending`` in DynamoDB with the session id
(so execution continues the same conversation), and notifies Teams/Slack/SNS with approval
buttons. An agent failure still records and announces the alert, with the failure as analysis.

Returns ``{"checked": n, "issues": n, "alerts": [{"alert_id", "domain", "problem", "notified"}]}``.
"""

import os
import uuid

from components import agent, alerts, detector, notify
from utils.mylogger import log

SUMMARY_CHARS = 600


def lambda_handler(event, context):
    targets = (event or {}).get("domains") if isinstance(event, dict) else None
    if not targets:
        targets = [d.strip() for d in os.environ.get("MONITORED_DOMAINS", "").split(",") if d.strip()]
    results = [detector.check(t) for t in targets]
    for r in results:
        log("checked", target=r["target"], ok=r["ok"], status=r["status"], latency_ms=r["latency_ms"], problem=r["problem"])
    created = [raise_alert(r) for r in results if not r["ok"]]
    log("Analysis completed", checked=len(results), issues=len(created))
    return {"checked": len(results), "issues": len(created), "alerts": created}


def raise_alert(issue):
    alert_id = str(uuid.uuid4())
    session_id = f"cloudops-{alert_id}"
    prompt = (
        f"The domain {issue['domain']} ({issue['url']}) has an issue: {issue['problem']}. "
        "Investigate the likely cause (DNS, CDN, origin health, recent changes) and recommend concrete "
        "remediation steps an operator can approve."
    )
    try:
        analysis = agent.invoke(prompt, session_id)
    except agent.AgentError as e:
        log("agent analysis failed", alert_id=alert_id, error=str(e))
        analysis = f"Agent analysis failed: {e}"
    key = alerts.object_key("alerts", issue["domain"], alert_id)
    url = alerts.put_text(key, f"# {issue['domain']}: {issue['problem']}\n\nAlert `{alert_id}`\n\n{analysis}\n")
    item = {
        "alert_id": alert_id,
        "domain": issue["domain"],
        "problem": issue["problem"],
        "timestamp": alerts.now_iso(),
        "approval_status": "pending",
        "execution_status": "not_started",
        "agent_analysis": analysis,
        "agent_session_id": session_id,
        "s3_analysis_key": key,
        "s3_analysis_url": url,
    }
    alerts.put_alert(item)
    notified = notify.alert_sent({**item, "summary": analysis[:SUMMARY_CHARS]})
    log("alert raised", alert_id=alert_id, domain=issue["domain"], notified=notified)
    return {"alert_id": alert_id, "domain": issue["domain"], "problem": issue["problem"], "notified": notified}

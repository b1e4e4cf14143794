"""Notifications: Teams and Slack incoming webhooks, and the fleet's ``notifications`` SNS topic
(the seed's ``cloudops-alerts``, in ``NOTIFICATIONS_TOPIC_ARN``).

The webhook URLs are secrets (anyone holding one can post), so they are secure params
(``teams-webhook-url``, ``slack-webhook-url``); the value ``none`` switches a channel off. Every
channel is best effort: a failure is logged and the others still go out.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

import boto3

import ops_params
from utils.mylogger import log

DISABLED = "none"
_sns = None


def sns():
    global _sns
    if _sns is None:
        _sns = boto3.client("sns")
    return _sns


def approval_url(alert_id, action, who):
    base = os.environ.get("APPROVAL_API_URL", "")
    return f"{base}?{urllib.parse.urlencode({'alert_id': alert_id, 'action': action, 'approved_by': who})}"


def alert_sent(alert):
    """The new alert with its analysis summary; Teams gets Approve/Reject buttons (HttpPOST to /approval)."""
    title = f"[CloudOps] {alert['domain']}: {alert['problem']}"
    text = f"{alert['summary']}\n\nAlert {alert['alert_id']} · full analysis: {alert['s3_analysis_url']}"
    teams_card = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": title,
        "themeColor": "D13438",
        "title": title,
        "text": text,
        "potentialAction": [
            {"@type": "HttpPOST", "name": "Approve", "target": approval_url(alert["alert_id"], "approve", "teams")},
            {"@type": "HttpPOST", "name": "Reject", "target": approval_url(alert["alert_id"], "reject", "teams")},
        ],
    }
    slack = {"text": f"*{title}*\n{text}\nApprove: `POST {approval_url(alert['alert_id'], 'approve', 'slack')}`"}
    return _send(title, text, teams_card, slack)


def message(title, text):
    """A plain notification (approval confirmations, execution results) on every channel."""
    card = {"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": title, "title": title, "text": text}
    return _send(title, text, card, {"text": f"*{title}*\n{text}"})


def _send(title, text, teams_payload, slack_payload):
    sent = []
    hooks = ops_params.get_params(["teams-webhook-url", "slack-webhook-url"])
    for channel, url, payload in (
        ("teams", hooks["teams-webhook-url"], teams_payload),
        ("slack", hooks["slack-webhook-url"], slack_payload),
    ):
        if url.strip().lower() == DISABLED:
            continue
        try:
            req = urllib.request.Request(url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST")
            with urllib.request.urlopen(req, timeout=10) as res:
                res.read()
            sent.append(channel)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
            log("notification failed", channel=channel, error=str(getattr(e, "reason", e)))
    topic = os.environ.get("NOTIFICATIONS_TOPIC_ARN")
    if topic:
        try:
            sns().publish(TopicArn=topic, Subject=title[:100], Message=text)
            sent.append("sns")
        except Exception as e:  # botocore errors; a notification never fails the workflow
            log("notification failed", channel="sns", error=str(e))
    return sent

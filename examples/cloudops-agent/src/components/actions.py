"""The remediation actions the execution handler may run itself, with the seed's permissions.

The agent proposes actions as JSON (``{"actions": [{"type": "cloudfront:CreateInvalidation",
"distribution_id": "E123", "paths": ["/*"]}], "summary": "..."}``); only these three types run,
anything else is reported as skipped. Each result says what ran and what came back.
"""

import json
import re
import time

import boto3


def proposed(answer):
    """The ``actions`` list and ``summary`` from the agent's answer (JSON, or JSON in a ``` block)."""
    match = re.search(r"```(?:json)?\s*(\{.*?\})\s*```", answer, re.S)
    try:
        doc = json.loads(match.group(1) if match else answer)
    except ValueError:
        return [], answer.strip()
    if not isinstance(doc, dict):
        return [], answer.strip()
    actions = [a for a in doc.get("actions") or [] if isinstance(a, dict)]
    return actions, str(doc.get("summary") or "")


def run(action):
    kind = action.get("type")
    try:
        if kind == "cloudfront:CreateInvalidation":
            paths = action.get("paths") or ["/*"]
            res = boto3.client("cloudfront").create_invalidation(
                DistributionId=action["distribution_id"],
                InvalidationBatch={"Paths": {"Quantity": len(paths), "Items": paths}, "CallerReference": f"cloudops-{time.time_ns()}"},
            )
            return {"type": kind, "status": "done", "detail": res["Invalidation"]["Id"]}
        if kind == "route53:GetHealthCheck":
            res = boto3.client("route53").get_health_check(HealthCheckId=action["health_check_id"])
            return {"type": kind, "status": "done", "detail": res["HealthCheck"]["HealthCheckConfig"].get("Type")}
        if kind == "ec2:DescribeInstances":
            ids = action.get("instance_ids") or []
            res = boto3.client("ec2").describe_instances(**({"InstanceIds": ids} if ids else {}))
            states = [f"{i['InstanceId']}={i['State']['Name']}" for r in res["Reservations"] for i in r["Instances"]]
            return {"type": kind, "status": "done", "detail": ", ".join(states) or "no instances"}
    except KeyError as e:
        return {"type": kind, "status": "failed", "detail": f"missing {e.args[0]}"}
    except Exception as e:  # botocore ClientError and friends: recorded in the execution log
        return {"type": kind, "status": "failed", "detail": str(e)}
    return {"type": kind, "status": "skipped", "detail": "not an action this handler runs"}

"""Alerts in DynamoDB (``ALERTS_TABLE``) and their analysis/execution logs in S3 (``ANALYSIS_BUCKET``).

Both are the fleet's resources (``alerts``, ``analysis``): ops creates them and puts their names in these
variables for the functions that ``uses`` them, with grants on exactly them. Items expire through the
table's TTL on ``ttl``.
"""

import os
import time
from datetime import datetime, timezone
from decimal import Decimal

import boto3

TTL_SECONDS = 30 * 24 * 3600

_table = None
_s3 = None


def table():
    global _table
    if _table is None:
        _table = boto3.resource("dynamodb").Table(os.environ["ALERTS_TABLE"])
    return _table


def s3():
    global _s3
    if _s3 is None:
        _s3 = boto3.client("s3")
    return _s3


def bucket():
    return os.environ["ANALYSIS_BUCKET"]


def now_iso():
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def object_key(kind, domain, alert_id, at=None):
    """``alerts/YYYY-MM-DD/domain/HH-MM-SS-alert_id.md`` (or ``executions/...``), as the seed lays them out."""
    at = at or datetime.now(timezone.utc)
    return f"{kind}/{at:%Y-%m-%d}/{domain}/{at:%H-%M-%S}-{alert_id}.md"


def put_alert(item):
    table().put_item(Item={**item, "ttl": int(time.time()) + TTL_SECONDS})


def get_alert(alert_id):
    item = table().get_item(Key={"alert_id": alert_id}, ConsistentRead=True).get("Item")
    return {k: int(v) if isinstance(v, Decimal) else v for k, v in item.items()} if item else None


def update_alert(alert_id, expect=None, **fields):
    """Sets ``fields``; with ``expect={"approval_status": "pending"}`` only if the item still says so.

    Returns False when the condition failed (someone else got there first)."""
    names = {f"#f{i}": k for i, k in enumerate(fields)}
    values = {f":v{i}": v for i, v in enumerate(fields.values())}
    kwargs = {
        "Key": {"alert_id": alert_id},
        "UpdateExpression": "SET " + ", ".join(f"#f{i} = :v{i}" for i in range(len(fields))),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    if expect:
        (field, value), = expect.items()
        names["#expect"], values[":expect"] = field, value
        kwargs["ConditionExpression"] = "#expect = :expect"
    try:
        table().update_item(**kwargs)
    except table().meta.client.exceptions.ConditionalCheckFailedException:
        return False
    return True


def put_text(key, text):
    s3().put_object(Bucket=bucket(), Key=key, Body=text.encode("utf-8"), ContentType="text/markdown; charset=utf-8")
    return f"s3://{bucket()}/{key}"


def get_text(key):
    return s3().get_object(Bucket=bucket(), Key=key)["Body"].read().decode("utf-8")

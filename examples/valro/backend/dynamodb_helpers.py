"""Task storage in DynamoDB, shared by the API and the worker (the seed's dynamodb_helpers.py).

A task is one item keyed by ``id``: description, status (pending -> processing -> completed |
error), an ``events`` timeline, what the agent answered, and ISO timestamps. The table is
the fleet's ``tasks`` table, named in ``TASKS_TABLE`` for each function that ``uses`` it (the seed's
``DYNAMODB_TABLE_NAME``); ops creates it.
"""

import os
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import boto3

_table = None


def table():
    global _table
    if _table is None:
        _table = boto3.resource("dynamodb").Table(os.environ["TASKS_TABLE"])
    return _table


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def event(message, kind="info"):
    return {"ts": now(), "message": message, "type": kind}


def create_task(description, task_id=None, first_event="Task created"):
    ts = now()
    item = {
        "id": task_id or str(uuid.uuid4()),
        "description": description,
        "status": "pending",
        "vendors": [],
        "quotes": [],
        "events": [event(first_event)],
        "created_at": ts,
        "updated_at": ts,
    }
    table().put_item(Item=item, ConditionExpression="attribute_not_exists(id)")
    return item


def get_task(task_id):
    return plain(table().get_item(Key={"id": task_id}, ConsistentRead=True).get("Item"))


def list_tasks(limit=100):
    """Every task, newest first (a Scan: the table holds one household's tasks, not millions)."""
    items, kwargs = [], {}
    while len(items) < limit:
        page = table().scan(**kwargs)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    items.sort(key=lambda t: t.get("created_at", ""), reverse=True)
    return [plain(t) for t in items[:limit]]


def update_task(task_id, message, kind="info", **fields):
    """Sets ``fields`` (e.g. status) and appends one event to the timeline, in one UpdateItem."""
    fields["updated_at"] = now()
    names = {f"#f{i}": k for i, k in enumerate(fields)}
    values = {f":v{i}": v for i, v in enumerate(fields.values())}
    sets = [f"#f{i} = :v{i}" for i in range(len(fields))]
    sets.append("#events = list_append(if_not_exists(#events, :empty), :event)")
    names["#events"] = "events"
    values[":event"] = [event(message, kind)]
    values[":empty"] = []
    table().update_item(
        Key={"id": task_id},
        UpdateExpression="SET " + ", ".join(sets),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues=values,
    )


def plain(value):
    """DynamoDB's Decimals as ints/floats, so the item serialises as JSON."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value

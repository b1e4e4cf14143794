"""{{name}}: reads a DynamoDB table's stream, in order per item.

Raising makes Lambda retry the batch from the failed record; the stream holds records for 24 hours.
"""

import json

from boto3.dynamodb.types import TypeDeserializer

_plain = TypeDeserializer()


def item(image):
    return None if image is None else {k: _plain.deserialize(v) for k, v in image.items()}


def lambda_handler(event, context):
    for record in event["Records"]:
        change = record.get("dynamodb", {})
        print(
            json.dumps(
                {"event": record["eventName"], "keys": item(change.get("Keys")), "new": item(change.get("NewImage")), "old": item(change.get("OldImage"))},
                default=str,
            )
        )

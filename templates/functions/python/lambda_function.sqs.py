"""{{name}}: consumes an SQS queue (triggers: [{ sqs: '<queue key>' }]).

Each message is handled on its own: one that raises is reported in batchItemFailures and comes back
to the queue; the others are done. A FIFO queue's messages keep their order: after the first
failure the rest of the batch is reported unhandled, as AWS asks.
"""

import json
import sys


def handle(record):
    message = json.loads(record["body"])
    print(json.dumps({"messageId": record["messageId"], "message": message}))


def lambda_handler(event, context):
    failures = []
    for record in event["Records"]:
        if failures and record["eventSourceARN"].endswith(".fifo"):
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        try:
            handle(record)
        except Exception as error:  # noqa: BLE001 - any failure returns this message to the queue
            print(f"message {record['messageId']} failed: {error}", file=sys.stderr)
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}

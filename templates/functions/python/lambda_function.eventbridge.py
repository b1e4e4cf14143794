"""{{name}}: runs for EventBridge events its rule's pattern matches. Raising makes EventBridge retry."""

import json


def lambda_handler(event, context):
    print(json.dumps({"id": event["id"], "source": event["source"], "type": event["detail-type"], "detail": event["detail"]}))

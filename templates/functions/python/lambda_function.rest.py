"""{{name}}: answers `{{route}}` on the fleet's REST API (payload format 1.0) with JSON."""

import json


def lambda_handler(event, context):
    params = event.get("queryStringParameters") or {}
    who = params.get("name", "world")
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(
            {
                "message": f"hello, {who}",
                "route": f"{event.get('httpMethod')} {event.get('resource')}",
                "requestId": event.get("requestContext", {}).get("requestId"),
            }
        ),
    }

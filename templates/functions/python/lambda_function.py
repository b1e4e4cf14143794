"""{{name}}: answers `{{route}}` on the fleet's HTTP API (payload format 2.0) with JSON."""

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
                "route": event.get("routeKey"),
                "requestId": event.get("requestContext", {}).get("requestId"),
            }
        ),
    }

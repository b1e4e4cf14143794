"""{{name}}: runs on an EventBridge schedule (triggers: [{ schedule: 'rate(5 minutes)' }])."""


def lambda_handler(event, context):
    print(f"{{name}}: scheduled run at {event.get('time')}")
    return {"ok": True, "at": event.get("time")}

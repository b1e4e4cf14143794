"""{{name}}: invoked directly (ops invoke, or the Lambda Invoke API); returns a JSON-serialisable result."""


def lambda_handler(event, context):
    who = (event or {}).get("name", "world")
    return {"message": f"hello, {who}"}

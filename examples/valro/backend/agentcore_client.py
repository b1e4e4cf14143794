"""Bedrock AgentCore Runtime: InvokeAgentRuntime, signed with the function's role (SigV4).

The only module that talks to AgentCore. It signs the request with botocore (which the Lambda
runtime ships) rather than needing a boto3 recent enough to have the ``bedrock-agentcore``
client. ``AGENTCORE_ENDPOINT_URL`` points it at a local stub in tests; by default it is
``https://bedrock-agentcore.<region>.amazonaws.com``.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

# AgentCore requires a runtime session id of at least 33 characters.
MIN_SESSION_ID = 33


class AgentError(Exception):
    """The agent could not be invoked or failed; the message says why."""


def invoke(runtime_arn, prompt, session_id, timeout_seconds=540):
    """The agent's answer to ``prompt``: the text, and the parsed JSON when the answer is JSON."""
    region = os.environ.get("AWS_REGION", "us-east-1")
    endpoint = os.environ.get("AGENTCORE_ENDPOINT_URL") or f"https://bedrock-agentcore.{region}.amazonaws.com"
    url = f"{endpoint.rstrip('/')}/runtimes/{urllib.parse.quote(runtime_arn, safe='')}/invocations?qualifier=DEFAULT"
    body = json.dumps({"prompt": prompt}).encode()
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": session_id.ljust(MIN_SESSION_ID, "0"),
    }
    signed = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(boto3.Session().get_credentials(), "bedrock-agentcore", region).add_auth(signed)
    req = urllib.request.Request(url, data=body, headers=dict(signed.headers.items()), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout_seconds) as res:
            text = _read_answer(res.read().decode("utf-8"), res.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as e:
        raise AgentError(f"AgentCore answered HTTP {e.code}: {e.read().decode('utf-8', 'replace')[:300]}") from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise AgentError(f"AgentCore could not be reached: {getattr(e, 'reason', e)}") from e
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    return text, parsed if isinstance(parsed, dict) else None


def _read_answer(raw, content_type):
    """The answer text from a JSON body (``{"result": ...}``) or a server-sent event stream."""
    if content_type.startswith("text/event-stream"):
        chunks = [line[5:].strip() for line in raw.splitlines() if line.startswith("data:")]
        return "".join(json.loads(c) if c.startswith('"') else c for c in chunks)
    try:
        body = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(body, dict):
        for key in ("result", "response", "output"):
            if key in body:
                value = body[key]
                return value if isinstance(value, str) else json.dumps(value)
    return raw

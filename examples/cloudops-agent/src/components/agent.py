"""The CloudOps agent runtime, invoked over HTTPS with the Cognito access token as bearer.

The only module that talks to the agent. One session id per alert carries the conversation from
analysis to execution (context retention). ``AGENTCORE_ENDPOINT_URL`` points it at a local stub in
tests; by default it is ``https://bedrock-agentcore.<region>.amazonaws.com``.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

from components import auth

# The runtime requires session ids of at least 33 characters.
MIN_SESSION_ID = 33


class AgentError(Exception):
    """The agent could not be invoked or failed."""


def invoke(prompt, session_id, timeout_seconds=240):
    """The agent's answer to ``prompt`` in the conversation ``session_id``, as text."""
    arn = os.environ.get("AGENT_RUNTIME_ARN")
    if not arn:
        raise AgentError("AGENT_RUNTIME_ARN is not set")
    try:
        token = auth.access_token()
    except auth.AuthError as e:
        raise AgentError(str(e)) from e
    region = os.environ.get("AWS_REGION", "us-east-1")
    endpoint = os.environ.get("AGENTCORE_ENDPOINT_URL") or f"https://bedrock-agentcore.{region}.amazonaws.com"
    url = f"{endpoint.rstrip('/')}/runtimes/{urllib.parse.quote(arn, safe='')}/invocations?qualifier=DEFAULT"
    req = urllib.request.Request(
        url,
        data=json.dumps({"prompt": prompt}).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": session_id.ljust(MIN_SESSION_ID, "0"),
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout_seconds) as res:
            raw = res.read().decode("utf-8")
            content_type = res.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        raise AgentError(f"agent runtime answered HTTP {e.code}: {e.read().decode('utf-8', 'replace')[:300]}") from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise AgentError(f"agent runtime could not be reached: {getattr(e, 'reason', e)}") from e
    return _answer_text(raw, content_type)


def _answer_text(raw, content_type):
    if content_type.startswith("text/event-stream"):
        chunks = [line[5:].strip() for line in raw.splitlines() if line.startswith("data:")]
        return "".join(json.loads(c) if c.startswith('"') else c for c in chunks)
    try:
        body = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(body, dict):
        for key in ("result", "response", "output"):
            if isinstance(body.get(key), str):
                return body[key]
    return raw

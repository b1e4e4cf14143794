"""Cognito sign-in for the agent runtime's OAuth inbound auth (the seed's components/auth.py).

USER_PASSWORD_AUTH against the app client ``COGNITO_CLIENT_ID`` with the username and password of the
fleet's secret ``cognito`` (``{"username": ..., "password": ...}``, as the seed's security step stores it in
``cloudops/cognito-credentials``; ``COGNITO_SECRET_NAME`` names it). The access token is cached until a minute
before it expires. Cognito is reached through boto3 (``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER``
points it elsewhere in tests).
"""

import json
import os
import time

import boto3

import ops_params

EXPIRY_MARGIN_SECONDS = 60

_token = {"value": None, "expires_at": 0.0}
_client = None


class AuthError(Exception):
    """Cognito refused the credentials or could not be reached."""


def access_token():
    if _token["value"] and time.monotonic() < _token["expires_at"]:
        return _token["value"]
    global _client
    if _client is None:
        _client = boto3.client("cognito-idp")
    try:
        creds = json.loads(ops_params.secret("cognito"))
        res = _client.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=os.environ["COGNITO_CLIENT_ID"],
            AuthParameters={"USERNAME": creds["username"], "PASSWORD": creds["password"]},
        )
    except KeyError as e:
        raise AuthError(f"{e.args[0]} is not set") from e
    except (ValueError, TypeError) as e:
        raise AuthError(f'the secret "cognito" is not JSON with "username" and "password": {e}') from e
    except Exception as e:  # botocore's ClientError and connection errors alike
        raise AuthError(f"Cognito sign-in failed: {e}") from e
    result = res.get("AuthenticationResult") or {}
    if not result.get("AccessToken"):
        raise AuthError(f"Cognito asked for a challenge ({res.get('ChallengeName')}) instead of issuing tokens")
    _token.update(value=result["AccessToken"], expires_at=time.monotonic() + int(result.get("ExpiresIn", 3600)) - EXPIRY_MARGIN_SECONDS)
    return _token["value"]

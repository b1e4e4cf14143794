"""Runtime access to the fleet's SSM parameters (the Python twin of src/functions/_shared/params.ts).

`ops` gives the function each declared param's SSM *name* in ``OPS_PARAM_<UPPER_SNAKE>``
(``amadeus/client-id`` -> ``OPS_PARAM_AMADEUS_CLIENT_ID=/tasks/dev/amadeus/client-id``).
Values are read in one batched, decrypted ``GetParameters`` call on a cold start and cached
for ``OPS_PARAMS_TTL_SECONDS`` (default 300). A local run without SSM puts the value itself
in ``OPS_PARAM_VALUE_<UPPER_SNAKE>``. A param declared with ``secret`` (Secrets Manager) gets
``secretsmanager:<name or ARN>[#<json key>]`` instead: its value is read with ``GetSecretValue``,
cached the same way, and the JSON key picked here.

Secrets Manager secrets the fleet declares (``resources: { creds: { type: 'secret' } }``) and a function
uses (``uses: { creds: 'read' }``) arrive as their *name* in ``<KEY>_SECRET_NAME``; ``secret('creds')``
reads the value (one ``GetSecretValue``, cached like params). A local run may put the value itself in
``OPS_SECRET_VALUE_<KEY>``.
"""

import json
import os
import re
import time

# GetParameters accepts at most 10 names per call.
MAX_NAMES_PER_CALL = 10
DEFAULT_TTL_SECONDS = 300

# Counts GetParameters requests made by this process (tests and debug logs read it).
stats = {"get_parameters_calls": 0}

_cache = {}  # SSM name -> (value, expires_at monotonic seconds)
_client = None
_secret_cache = {}  # secret name -> (value, expires_at monotonic seconds)
_secrets_client = None


class ParamsError(Exception):
    """A param the function cannot read: not declared or not found in SSM."""


def env_suffix(name):
    """``amadeus/client-id`` -> ``AMADEUS_CLIENT_ID`` (same rule as upperSnake in src/config/naming.ts)."""
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()


def name_env(name):
    return "OPS_PARAM_" + env_suffix(name)


def value_env(name):
    return "OPS_PARAM_VALUE_" + env_suffix(name)


def _ttl_seconds():
    raw = os.environ.get("OPS_PARAMS_TTL_SECONDS", "")
    try:
        ttl = float(raw) if raw else DEFAULT_TTL_SECONDS
    except ValueError:
        return DEFAULT_TTL_SECONDS
    return ttl if ttl >= 0 else DEFAULT_TTL_SECONDS


def _ssm():
    global _client
    if _client is None:
        import boto3  # imported on first use: local runs with OPS_PARAM_VALUE_* never need it

        _client = boto3.client("ssm")
    return _client


def get_params(names):
    """Values of the given logical params, as a dict; everything not cached is fetched together."""
    out = {}
    ssm_name_of = {}
    secret_ref_of = {}
    missing = []
    now = time.monotonic()
    for name in names:
        local = os.environ.get(value_env(name))
        if local is not None:
            out[name] = local
            continue
        ssm_name = os.environ.get(name_env(name))
        if not ssm_name:
            raise ParamsError(
                f'param "{name}": neither {name_env(name)} nor {value_env(name)} is set '
                "(is it listed under the function's params?)"
            )
        if ssm_name.startswith(SECRET_REF_PREFIX):
            secret_ref_of[name] = ssm_name
            continue
        ssm_name_of[name] = ssm_name
        hit = _cache.get(ssm_name)
        if hit and hit[1] > now:
            out[name] = hit[0]
        elif ssm_name not in missing:
            missing.append(ssm_name)

    if missing:
        fetched = _fetch(missing)
        expires_at = time.monotonic() + _ttl_seconds()
        for ssm_name, value in fetched.items():
            _cache[ssm_name] = (value, expires_at)
        for name, ssm_name in ssm_name_of.items():
            out.setdefault(name, fetched.get(ssm_name))
    for name, ref in secret_ref_of.items():
        out[name] = _secret_param_value(name, ref)
    return out


SECRET_REF_PREFIX = "secretsmanager:"


def _secret_param_value(name, ref):
    """A Secrets Manager param's value: ``secretsmanager:<id>[#<key>]``, cached by id, the JSON key picked."""
    # Secret names and ARNs cannot hold '#': the first one starts the JSON key.
    secret_id, _, key = ref[len(SECRET_REF_PREFIX) :].partition("#")
    whole = _secret_value_of(
        secret_id,
        f'param "{name}" (secret {secret_id}) has no value (or does not exist): '
        f"set it with `ops params set {name} --stdin`",
    )
    if "#" not in ref:
        return whole
    try:
        data = json.loads(whole)
    except ValueError as error:
        raise ParamsError(f'param "{name}": secret {secret_id} is not JSON, so it has no key {key}') from error
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        raise ParamsError(f'param "{name}": secret {secret_id} has no key {key}')
    return value if isinstance(value, str) else json.dumps(value)


def get_param(name):
    return get_params([name])[name]


def _fetch(ssm_names):
    values = {}
    invalid = []
    for i in range(0, len(ssm_names), MAX_NAMES_PER_CALL):
        chunk = ssm_names[i : i + MAX_NAMES_PER_CALL]
        stats["get_parameters_calls"] += 1
        res = _ssm().get_parameters(Names=chunk, WithDecryption=True)
        for p in res.get("Parameters", []):
            values[p["Name"]] = p["Value"]
        invalid.extend(res.get("InvalidParameters", []))
    absent = [n for n in ssm_names if n not in values]
    if absent:
        names = sorted(set(invalid) | set(absent))
        raise ParamsError(f"SSM parameter(s) not found: {', '.join(names)} (does this stage have a value for each?)")
    return values


def secret_name_env(key):
    """``creds`` -> ``CREDS_SECRET_NAME`` (resourceEnvName in src/config/naming.ts)."""
    return env_suffix(key) + "_SECRET_NAME"


def secret_value_env(key):
    return "OPS_SECRET_VALUE_" + env_suffix(key)


def _secretsmanager():
    global _secrets_client
    if _secrets_client is None:
        import boto3

        _secrets_client = boto3.client("secretsmanager")
    return _secrets_client


def secret(key):
    """The current value of a declared secret the function uses (``uses: { creds: 'read' }``), cached for the TTL."""
    local = os.environ.get(secret_value_env(key))
    if local is not None:
        return local
    name = os.environ.get(secret_name_env(key))
    if not name:
        raise ParamsError(
            f'secret "{key}": neither {secret_name_env(key)} nor {secret_value_env(key)} is set '
            "(does the function list it under uses?)"
        )
    return _secret_value_of(
        name, f'secret "{key}" ({name}) has no value (or does not exist): set it with `ops secrets set {key} --stdin`'
    )


def _secret_value_of(name, not_found):
    """A secret's current value by name or ARN, cached for the TTL; ``not_found`` is the error when it has none."""
    hit = _secret_cache.get(name)
    if hit and hit[1] > time.monotonic():
        return hit[0]
    stats["get_secret_value_calls"] = stats.get("get_secret_value_calls", 0) + 1
    try:
        res = _secretsmanager().get_secret_value(SecretId=name)
    except Exception as error:  # botocore's ClientError, without importing botocore here
        code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise ParamsError(not_found) from error
        raise
    value = res.get("SecretString")
    if value is None:
        value = res.get("SecretBinary")
    _secret_cache[name] = (value, time.monotonic() + _ttl_seconds())
    return value


def reset():
    """Forget cached values, the clients and the counters (tests; a function never needs this)."""
    global _client, _secrets_client
    _cache.clear()
    _secret_cache.clear()
    _client = None
    _secrets_client = None
    stats.clear()
    stats["get_parameters_calls"] = 0

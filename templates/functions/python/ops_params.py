"""Runtime access to the fleet's SSM parameters (the Python twin of src/functions/_shared/params.ts).

`ops` gives the function each declared param's SSM *name* in ``OPS_PARAM_<UPPER_SNAKE>``
(``amadeus/client-id`` -> ``OPS_PARAM_AMADEUS_CLIENT_ID=/tasks/dev/amadeus/client-id``).
Values are read in one batched, decrypted ``GetParameters`` call on a cold start and cached
for ``OPS_PARAMS_TTL_SECONDS`` (default 300). A local run without SSM puts the value itself
in ``OPS_PARAM_VALUE_<UPPER_SNAKE>``.
"""

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
    return out


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


def reset():
    """Forget cached values, the client and the counter (tests; a function never needs this)."""
    global _client
    _cache.clear()
    _client = None
    stats["get_parameters_calls"] = 0

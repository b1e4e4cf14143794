"""Runs a Python Lambda handler in this process, the way the Lambda runtime would, for tests.

    python3 invoke_python.py <function dir> <module> <handler> < events.json

stdin is a JSON array of events, handled one after another in the same process (so warm-start
caches are exercised). The last stdout line is one JSON document:
{"results": [...], "ssm_calls": n, "token_requests": n}.
"""

import importlib
import json
import sys

fn_dir, module_name, handler_name = sys.argv[1:4]
sys.path.insert(0, fn_dir)
module = importlib.import_module(module_name)
handler = getattr(module, handler_name)

results = [handler(event, None) for event in json.load(sys.stdin)]
out = {"results": results, "token_requests": getattr(module, "stats", {}).get("token_requests")}
ops_params = sys.modules.get("ops_params")
if ops_params is not None:
    out["ssm_calls"] = ops_params.stats["get_parameters_calls"]
print(json.dumps(out))

"""One JSON line per log record, so CloudWatch Logs Insights can filter on fields (``ops logs tail --filter``)."""

import json
from datetime import datetime, timezone


def log(message, **fields):
    print(json.dumps({"ts": datetime.now(timezone.utc).isoformat(timespec="seconds"), "msg": message, **fields}, default=str))

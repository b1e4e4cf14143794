"""Domain checks: is the site up, answering below 500, and fast enough?

A target is a domain (``example.com`` means ``https://example.com/``) or a full http(s) URL.
"""

import time
import urllib.error
import urllib.request

SLOW_MS = 3000
TIMEOUT_SECONDS = 10


def target_url(target):
    return target if target.startswith(("http://", "https://")) else f"https://{target}/"


def domain_of(target):
    url = target_url(target)
    return url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]


def check(target):
    """``{"target", "domain", "url", "ok", "status", "latency_ms", "problem"}``; never raises."""
    url = target_url(target)
    started = time.monotonic()
    status, problem = None, None
    try:
        req = urllib.request.Request(url, headers={"User-Agent": "cloudops-detector/1"})
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as res:
            status = res.status
    except urllib.error.HTTPError as e:
        status = e.code
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        problem = f"unreachable: {getattr(e, 'reason', e)}"
    latency = round((time.monotonic() - started) * 1000)
    if problem is None and status >= 500:
        problem = f"HTTP {status}"
    elif problem is None and latency > SLOW_MS:
        problem = f"slow: {latency} ms"
    return {"target": target, "domain": domain_of(target), "url": url, "ok": problem is None, "status": status, "latency_ms": latency, "problem": problem}

"""RDS PostgreSQL, as far as this function needs it: can it be reached from the VPC?

The only module that knows the database. The URL is the secure param ``postgres-url``. The check
opens a TCP connection to the database's host and port from inside the function's subnets, which
is what fails when the VPC, the route tables or the security groups are wrong (the seed's
"Database connection failed: check VPC configuration and security groups").
"""

import socket
import urllib.parse

import ops_params

DEFAULT_PORT = 5432


def ping(timeout_seconds=3.0):
    """``"ok"``, or why the database cannot be reached; never raises."""
    try:
        url = urllib.parse.urlsplit(ops_params.get_param("postgres-url"))
        host, port = url.hostname, url.port or DEFAULT_PORT
    except (ops_params.ParamsError, ValueError) as e:
        return f"error: {e}"
    if url.scheme not in ("postgres", "postgresql") or not host:
        return "error: postgres-url is not a postgresql:// URL"
    try:
        with socket.create_connection((host, port), timeout=timeout_seconds):
            return "ok"
    except OSError as e:
        return f"error: {host}:{port} unreachable ({e.strerror or e})"

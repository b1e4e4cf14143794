"""Lambda-like Python runtime for `ops` local invokes.

Standalone on purpose (the build copies it to dist/runtime/). Loads the handler as Lambda's
awslambdaric does, then serves invokes the parent sends over fd 3 (one JSON document per line
each way); stdout/stderr stay the function's logs.
"""
import decimal
import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback

SHIM = os.path.abspath(__file__)
current_request_id = None


class Fault(Exception):
    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


class LambdaContext:
    def __init__(self, request_id, deadline_ms, invoked_function_arn):
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string in Lambda too.
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = None
        self.identity = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def log(self, message):
        sys.stdout.write(str(message))


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = current_request_id
        return True


class LambdaLogHandler(logging.Handler):
    def emit(self, record):
        try:
            sys.stdout.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


def install_logging():
    # The root logger as Lambda configures it: level left at WARNING, Lambda's line format.
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    formatter.converter = time.gmtime
    handler = LambdaLogHandler()
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)


def user_frames(tb):
    frames = traceback.extract_tb(tb)
    while frames and os.path.abspath(frames[0].filename) == SHIM:
        frames = frames[1:]
    return traceback.format_list(frames)


def error_from(exc):
    return {"errorType": type(exc).__name__, "errorMessage": str(exc), "stackTrace": user_frames(exc.__traceback__)}


def fault_error(fault):
    return {"errorType": fault.error_type, "errorMessage": fault.message, "stackTrace": fault.trace}


def load_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(handler, e))
    modname = modname.replace("/", ".")
    if modname.split(".")[0] in sys.builtin_module_names:
        raise Fault(
            "Runtime.BuiltInModuleConflict",
            "Cannot use built-in module {} as a handler module".format(modname.split(".")[0]),
        )
    try:
        module = importlib.import_module(modname)
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(modname, e), trace)
    function = getattr(module, fname, None)
    if function is None:
        raise Fault("Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(fname, modname))
    return function


class Encoder(json.JSONEncoder):
    def default(self, o):
        # Lambda's marshaller accepts Decimal (what boto3's DynamoDB deserializer returns).
        if isinstance(o, decimal.Decimal):
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


def max_rss_mb():
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Kilobytes on Linux, bytes on macOS.
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024))


def log_error(error):
    lines = ["[ERROR] {}: {}".format(error["errorType"], error["errorMessage"])]
    if error.get("stackTrace"):
        lines.append("Traceback (most recent call last):")
        lines.extend(frame.rstrip("\n") for frame in error["stackTrace"])
    sys.stdout.write("\n".join(lines) + "\n")


class Channel:
    def __init__(self, fd):
        self.sock = socket.socket(fileno=fd)
        self.sock.set_inheritable(False)
        self.reader = self.sock.makefile("rb")

    def send(self, message):
        # Flush first so the logs of this invoke reach the parent before its result does.
        sys.stdout.flush()
        sys.stderr.flush()
        self.sock.sendall((json.dumps(message) + "\n").encode("utf-8"))

    def __iter__(self):
        for line in self.reader:
            yield json.loads(line)


def invoke(channel, handler, message):
    global current_request_id
    current_request_id = message["requestId"]
    context = LambdaContext(current_request_id, message["deadlineMs"], message["invokedFunctionArn"])
    reply = {"type": "result", "requestId": current_request_id, "ok": True}
    started = time.perf_counter()
    try:
        result = handler(message["event"], context)
        try:
            reply["payload"] = json.dumps(result, cls=Encoder, allow_nan=False)
        except (TypeError, ValueError) as e:
            reply.update(ok=False, error={"errorType": "Runtime.MarshalError", "errorMessage": "Unable to marshal response: {}".format(e), "stackTrace": []})
    except Fault as fault:
        reply.update(ok=False, error=fault_error(fault))
    except Exception as e:
        reply.update(ok=False, error=error_from(e))
    reply["durationMs"] = (time.perf_counter() - started) * 1000
    if not reply["ok"]:
        log_error(reply["error"])
    reply["maxRssMB"] = max_rss_mb()
    channel.send(reply)


def main():
    channel = Channel(3)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    # Python put this script's directory first; the task root takes its place, as in Lambda.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(SHIM):
        sys.path.pop(0)
    sys.path.insert(0, task_root)
    install_logging()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Fault as fault:
        error = fault_error(fault)
    except Exception as e:
        error = error_from(e)
    else:
        error = None
    if error is not None:
        log_error(error)
        channel.send({"type": "init-error", "error": error})
        sys.exit(1)
    channel.send({"type": "ready"})
    for message in channel:
        if message.get("type") == "invoke":
            invoke(channel, handler, message)


if __name__ == "__main__":
    main()

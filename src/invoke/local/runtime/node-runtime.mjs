// Lambda-like Node.js runtime for `ops` local invokes. Standalone on purpose: the build copies it to
// dist/runtime/. It loads the handler as Lambda's runtime interface client does, then serves invokes
// sent by the parent over fd 3 (one JSON document per line each way); stdout/stderr stay the logs.
import fs from 'node:fs';
import { createRequire, register } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import util from 'node:util';

const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerString = process.env._HANDLER ?? '';
const channel = new net.Socket({ fd: 3, readable: true, writable: true });
const requireFromTask = createRequire(path.join(taskRoot, '__ops_runtime__.js'));

/** `undefined` until the first invoke, as in Lambda's own log lines written during init. */
let currentRequestId;
/** The invoke in flight, so a crash can still answer it. */
let active;
let ready = false;

function send(message, then) {
  channel.write(`${JSON.stringify(message)}\n`, then);
}

function patchConsole() {
  const levels = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'FATAL' };
  for (const [method, level] of Object.entries(levels)) {
    console[method] = (...args) => {
      process.stdout.write(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${util.format(...args)}\n`);
    };
  }
}

function toError(error) {
  try {
    if (util.types.isNativeError(error) || (error instanceof Object && 'message' in error && 'name' in error)) {
      const stack = typeof error.stack === 'string' ? error.stack.split('\n') : [];
      return { errorType: String(error.name), errorMessage: String(error.message), stackTrace: stack };
    }
    return { errorType: typeof error, errorMessage: String(error), stackTrace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function runtimeError(errorType, errorMessage, cause) {
  const error = new Error(errorMessage, { cause });
  error.name = errorType;
  return error;
}

function isModulePackage(file) {
  // Lambda's rule: `.js` is ESM only when the nearest package.json says "type": "module".
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).type === 'module';
    } catch (error) {
      if (error.code !== 'ENOENT') return false;
    }
    if (path.dirname(dir) === dir) return false;
  }
}

const isFile = (file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
const importFile = (file) => import(pathToFileURL(file).href);

/** Lambda's lookup order: extensionless, `.js` (require or import), `.mjs`, `.cjs`, then Node resolution. */
async function loadModule(base, moduleName, moduleRoot) {
  if (isFile(base)) return requireFromTask(base);
  if (isFile(`${base}.js`)) return isModulePackage(base) ? importFile(`${base}.js`) : requireFromTask(`${base}.js`);
  if (isFile(`${base}.mjs`)) return importFile(`${base}.mjs`);
  if (isFile(`${base}.cjs`)) return requireFromTask(`${base}.cjs`);
  try {
    return requireFromTask(requireFromTask.resolve(moduleName, { paths: [path.resolve(taskRoot, moduleRoot), taskRoot] }));
  } catch (error) {
    if (error?.code !== 'MODULE_NOT_FOUND') throw error;
    throw runtimeError(
      'Runtime.ImportModuleError',
      `Error: Cannot find module '${moduleName}' (no ${moduleName}.js, .mjs or .cjs in ${path.resolve(taskRoot, moduleRoot)})`,
    );
  }
}

async function loadHandler() {
  const match = /^([^.]*)\.(.*)$/.exec(path.basename(handlerString));
  if (!match) throw runtimeError('Runtime.MalformedHandlerName', `Bad handler ${handlerString}`);
  const [, moduleName, handlerPath] = match;
  const moduleRoot = path.dirname(handlerString);
  let loaded;
  try {
    loaded = await loadModule(path.resolve(taskRoot, moduleRoot, moduleName), moduleName, moduleRoot);
  } catch (error) {
    if (error?.name?.startsWith?.('Runtime.')) throw error;
    if (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND') {
      throw runtimeError('Runtime.ImportModuleError', `Error: ${error.message}`, error);
    }
    if (error instanceof SyntaxError) {
      throw runtimeError('Runtime.UserCodeSyntaxError', `SyntaxError: ${error.message}`, error);
    }
    throw error;
  }
  const handler = handlerPath.split('.').reduce((value, key) => value?.[key], loaded);
  if (typeof handler !== 'function') {
    throw runtimeError('Runtime.HandlerNotFound', `${path.basename(handlerString)} is undefined or not exported`);
  }
  return handler;
}

function makeContext(message) {
  let waitsForEmptyLoop = true;
  return {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.invokedFunctionArn,
    // A string in Lambda too.
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: undefined,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
    get callbackWaitsForEmptyEventLoop() {
      return waitsForEmptyLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitsForEmptyLoop = Boolean(value);
    },
  };
}

const succeeded = (result) => ({ ok: true, result });
const failed = (error) => ({ ok: false, error: toError(error) });

/**
 * Settles with the handler's outcome: a returned promise answers at once; the callback (and a sync
 * handler that never calls it) answers when the event loop drains, unless
 * `callbackWaitsForEmptyEventLoop` is false. The channel is unref'd meanwhile so `beforeExit` can fire.
 */
function runHandler(handler, event, context) {
  return new Promise((resolve) => {
    let finished = false;
    let pending;
    const onEmptyLoop = () => finish(pending ?? succeeded(null));
    const finish = (outcome) => {
      if (finished) return;
      finished = true;
      process.removeListener('beforeExit', onEmptyLoop);
      channel.ref();
      resolve(outcome);
    };
    const waitForEmptyLoop = () => {
      if (process.listeners('beforeExit').includes(onEmptyLoop)) return;
      channel.unref();
      process.on('beforeExit', onEmptyLoop);
    };
    const callback = (error, result) => {
      if (finished || pending) return;
      pending = error == null ? succeeded(result) : failed(error);
      if (context.callbackWaitsForEmptyEventLoop) waitForEmptyLoop();
      else finish(pending);
    };
    context.succeed = (result) => finish(succeeded(result));
    context.fail = (error) => finish(failed(error ?? 'handled'));
    context.done = (error, result) => finish(error == null ? succeeded(result) : failed(error));
    let returned;
    try {
      returned = handler(event, context, callback);
    } catch (error) {
      finish(failed(error));
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then(
        (result) => finish(succeeded(result)),
        (error) => finish(failed(error)),
      );
    } else {
      waitForEmptyLoop();
    }
  });
}

function maxRssMB() {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

function logInvokeError(error) {
  const stack = error.stackTrace;
  console.error('Invoke Error', JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack }));
}

async function invoke(handler, message) {
  currentRequestId = message.requestId;
  const started = performance.now();
  active = { requestId: message.requestId, started };
  const outcome = await runHandler(handler, message.event, makeContext(message));
  const reply = { type: 'result', requestId: message.requestId, ok: outcome.ok };
  if (outcome.ok) {
    try {
      reply.payload = JSON.stringify(outcome.result === undefined ? null : outcome.result);
    } catch (error) {
      Object.assign(reply, failed(runtimeError('Runtime.MarshalError', `Unable to stringify response body: ${error.message}`)));
    }
  }
  if (!reply.ok) {
    reply.error ??= outcome.error;
    logInvokeError(reply.error);
  }
  active = undefined;
  const durationMs = performance.now() - started;
  await flushed(process.stdout);
  await flushed(process.stderr);
  send({ ...reply, durationMs, maxRssMB: maxRssMB() });
}

/** Resolves once earlier writes are handed to the OS (stdout pipes are async outside Linux), so logs precede the result. */
function flushed(stream) {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

function logUncaught(error) {
  const label = error.errorType === 'Runtime.UnhandledPromiseRejection' ? 'Unhandled Promise Rejection' : 'Uncaught Exception';
  console.error(label, JSON.stringify({ errorType: error.errorType, errorMessage: error.errorMessage, stack: error.stackTrace }));
}

function crash(error, exitCode) {
  // Like Lambda: report the error for the invoke in flight (or the init), then let the sandbox die.
  logUncaught(error);
  const exit = () => process.exit(exitCode);
  if (active) {
    const durationMs = performance.now() - active.started;
    send({ type: 'result', requestId: active.requestId, ok: false, error, durationMs, maxRssMB: maxRssMB(), fatal: true }, exit);
  } else if (!ready) {
    send({ type: 'init-error', error }, exit);
  } else {
    exit();
  }
}

process.on('uncaughtException', (error) => crash(toError(error), 129));
process.on('unhandledRejection', (reason) => {
  const message = util.types.isNativeError(reason) ? `${reason.name}: ${reason.message}` : String(reason);
  crash({ errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: message, stackTrace: toError(reason).stackTrace }, 128);
});
channel.on('end', () => process.exit(0));
channel.on('error', () => process.exit(0));

// ESM ignores NODE_PATH, yet Lambda's runtime resolves an `import` of a layer's package: the hook
// retries a bare specifier that was not found from each NODE_PATH directory (the layers) in order.
// Only for directories that exist: registering starts a loader thread (about 70 ms of cold start here).
const layerDirs = (process.env.NODE_PATH ?? '')
  .split(path.delimiter)
  .filter((d) => d && path.resolve(d) !== path.resolve(taskRoot) && fs.existsSync(d));
if (layerDirs.length) register(new URL('./node-path-hooks.mjs', import.meta.url), { data: { dirs: layerDirs } });

patchConsole();
let handler;
try {
  handler = await loadHandler();
} catch (error) {
  const report = toError(error);
  logUncaught(report);
  send({ type: 'init-error', error: report }, () => process.exit(1));
}
if (handler) {
  ready = true;
  send({ type: 'ready' });
  const parts = [];
  let queue = Promise.resolve();
  channel.setEncoding('utf8');
  channel.on('data', (chunk) => {
    let rest = chunk;
    for (let newline = rest.indexOf('\n'); newline >= 0; newline = rest.indexOf('\n')) {
      parts.push(rest.slice(0, newline));
      const message = JSON.parse(parts.join(''));
      parts.length = 0;
      rest = rest.slice(newline + 1);
      if (message.type === 'invoke') queue = queue.then(() => invoke(handler, message));
    }
    if (rest) parts.push(rest);
  });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A running moto server on loopback, owned by this process. */
export interface Moto {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  /** moto's package version, e.g. `5.2.1`. */
  version: string;
  pid: number;
  /** Wipes every backend (`POST /moto-api/reset`) and re-applies the server config. */
  reset(): Promise<void>;
  /** Terminates the server; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** How long to wait for the server to answer, in ms. */
  readyTimeoutMs?: number;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
}

/** Config posted to `/moto-api/config` after start and after every reset. */
const MOTO_CONFIG = { lambda: { use_docker: false } };
const STDERR_TAIL_BYTES = 16_384;

/*
 * Runs `python3 -m moto.server` through runpy inside a tiny wrapper that exits when its stdin closes,
 * so the server dies with us even if this process is SIGKILLed before any exit handler runs.
 */
const WRAPPER = `
import importlib.metadata, os, runpy, sys, threading
def _watch_parent():
    try:
        sys.stdin.buffer.read()
    finally:
        os._exit(0)
threading.Thread(target=_watch_parent, daemon=True).start()
def _tagging_sees_lambda():
    # moto 5.2.1's tagging API (GetResources) reads Lambda's docker backend even when the config picks the simple
    # one (use_docker false, as here), so it lists no function where AWS lists every tagged one: use moto's own pick.
    try:
        from moto.awslambda.utils import get_backend
        from moto.resourcegroupstaggingapi.models import ResourceGroupsTaggingAPIBackend
        ResourceGroupsTaggingAPIBackend.lambda_backend = property(lambda self: get_backend(self.account_id, self.region_name))
    except Exception:
        pass
_tagging_sees_lambda()
def _linear_list_all():
    # moto 5.2.1 answers ListFunctions FunctionVersion=ALL with a deepcopy of each function, which drags in the
    # whole backend: quadratic in the number of functions (about 50 s at 1,000), where AWS pages 50 entries at a
    # time. A shallow copy carries the same answer (only the ARN of the copy changes).
    try:
        import copy
        from moto.awslambda.models import LambdaStorage
        def all(self):
            result = []
            for group in list(self._functions.values()):
                latest = copy.copy(group["latest"])
                latest.function_arn = f"{latest.function_arn}:$LATEST"
                result.append(latest)
                result.extend(group["versions"])
            return result
        LambdaStorage.all = all
    except Exception:
        pass
_linear_list_all()
print("moto-version " + importlib.metadata.version("moto"), flush=True)
sys.argv = ["moto.server"] + sys.argv[1:]
runpy.run_module("moto.server", run_name="__main__", alter_sys=True)
`;

/**
 * Starts moto on a free loopback port and waits until it answers. Throws with moto's stderr when it
 * cannot start: the emulator tier never skips silently.
 */
export async function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
  let lastError: unknown;
  // The port is free when we pick it but could be taken before moto binds it: retry a couple of times.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freeLoopbackPort(), options);
    } catch (error) {
      lastError = error;
      if (!(error instanceof Error && /address already in use/i.test(error.message))) throw error;
    }
  }
  throw lastError;
}

async function startOnce(port: number, options: StartMotoOptions): Promise<Moto> {
  const url = `http://127.0.0.1:${port}`;
  // moto logs every request. Its output goes to a file, not a pipe: a parent busy in spawnSync (a
  // bench, the demo) cannot drain a pipe, and a full one would block the server mid-request.
  const logFile = path.join(tmpdir(), `ops-moto-${port}-${process.pid}.log`);
  const log = openSync(logFile, 'w');
  const child = spawn('python3', ['-c', WRAPPER, '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true', PYTHONUNBUFFERED: '1', ...options.env },
    stdio: ['pipe', log, log],
  });
  closeSync(log);
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(logFile, { force: true });
  };
  process.on('exit', killOnExit);
  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-STDERR_TAIL_BYTES);
    } catch {
      return '';
    }
  };

  let exited = false;
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  child.once('exit', () => (exited = true));

  const fail = async (reason: string): Promise<never> => {
    await stopChild(child);
    process.off('exit', killOnExit);
    const tail = logTail();
    rmSync(logFile, { force: true });
    const hint = spawnError
      ? `could not run python3 (${spawnError.message}); the emulator tier needs python3 with moto[server]`
      : `moto's output:\n${tail.trim() || '(empty)'}`;
    throw new Error(`moto failed to start on ${url}: ${reason}\n${hint}`);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  for (;;) {
    if (spawnError || exited) return fail(`the process exited (code ${child.exitCode}, signal ${child.signalCode})`);
    if (await answers(`${url}/moto-api/config`)) break;
    if (Date.now() > deadline) return fail(`no answer within ${options.readyTimeoutMs ?? 20_000} ms`);
    await sleep(100);
  }

  const configure = async () => {
    const response = await fetch(`${url}/moto-api/config`, { method: 'POST', body: JSON.stringify(MOTO_CONFIG) });
    if (!response.ok) throw new Error(`moto rejected its config: HTTP ${response.status} ${await response.text()}`);
  };
  await configure().catch((error: Error) => fail(error.message));

  let stopping: Promise<void> | undefined;
  const version = /moto-version (\S+)/.exec(logTail())?.[1] ?? 'unknown';
  return {
    url,
    port,
    version,
    pid: child.pid!,
    async reset() {
      const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
      await configure();
    },
    stop() {
      stopping ??= stopChild(child).finally(() => {
        process.off('exit', killOnExit);
        rmSync(logFile, { force: true });
      });
      return stopping;
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/** Asks the OS for a free port by binding port 0 on loopback, then releases it. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('could not read the bound port');
  return address.port;
}

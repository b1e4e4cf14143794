import type { Context } from '../cli/context.js';
import { awsFor, loadFleetFor, selectFunctions } from '../cli/setup.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { UsageError } from '../errors.js';
import { renderInvokeResult } from '../ui/invoke.js';
import { renderAsyncInvoke, renderRemoteInvoke } from '../ui/invoke-remote.js';
import { type ResolvedEvent, resolveEvent } from './events.js';
import { invokeOnce } from './local/index.js';
import { prepareLocalFunction } from './local-run.js';
import { DEFAULT_QUALIFIER, invokeRemote } from './remote.js';

/** Flags of `ops invoke`. */
export interface InvokeOptions {
  local?: boolean;
  event?: string;
  eventFile?: string;
  payload?: string;
  env?: string[];
  qualifier?: string;
  async?: boolean;
}

/** `KEY=VALUE` pairs from `--env`, or a usage error naming the bad one. */
export function parseEnvPairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(p);
    if (!m) throw new UsageError(`--env ${p}: expected KEY=VALUE`, { hint: '--env AMADEUS_BASE_URL=http://localhost:8080' });
    out[m[1]] = m[2];
  }
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

function checkFlags(opts: InvokeOptions): void {
  if (opts.local) {
    if (opts.async) throw new UsageError('--async works on deployed functions only', { hint: 'drop --local, or drop --async' });
    if (opts.qualifier) throw new UsageError('--qualifier works on deployed functions only', { hint: 'drop --local, or drop --qualifier' });
  } else if (opts.env?.length) {
    throw new UsageError('--env works with --local only: a deployed function has the environment it was deployed with', {
      hint: 'add --local, or change the environment in ops.config.ts and deploy',
    });
  }
}

/** `ops invoke`: resolve the event, run the function, print the result on stdout and its logs on stderr. */
export async function invokeCommand(ctx: Context, name: string, fromStdin: boolean, opts: InvokeOptions): Promise<number> {
  checkFlags(opts);
  const fleet = await loadFleetFor(ctx);
  const [fn] = selectFunctions(fleet, [name]);
  const event = await resolveEvent(
    fn,
    { event: opts.event, eventFile: opts.eventFile, payload: opts.payload, stdin: fromStdin ? () => readAll(ctx.io.stdin) : undefined },
    ctx.cwd,
  );
  return opts.local ? invokeLocal(ctx, fleet, fn, event, opts) : invokeDeployed(ctx, fleet, fn, event, opts);
}

async function invokeDeployed(ctx: Context, fleet: Fleet, fn: FunctionSpec, event: ResolvedEvent, opts: InvokeOptions): Promise<number> {
  const aws = awsFor(ctx, fleet);
  const qualifier = opts.qualifier ?? DEFAULT_QUALIFIER;
  const target = { name: fn.name, qualifier };
  try {
    ctx.log.debug(`invoking ${fn.name}:${qualifier}${opts.async ? ' (async)' : ''} with ${event.source}`);
    const result = await invokeRemote(aws, fn, { payload: event.text, qualifier, async: opts.async });
    if (ctx.global.json) {
      const { status, functionError, executedVersion, payload, logs, requestId } = result;
      ctx.outJson({ status, functionError, executedVersion, payload, logs, requestId });
    } else {
      const { stdout, stderr } = opts.async ? renderAsyncInvoke(result, target, ctx.color) : renderRemoteInvoke(result, target, ctx.color);
      for (const line of stderr) ctx.log.raw(line);
      if (stdout !== undefined) ctx.out(stdout);
    }
    return result.functionError ? 1 : 0;
  } finally {
    aws.destroy();
  }
}

async function invokeLocal(ctx: Context, fleet: Fleet, fn: FunctionSpec, resolved: ResolvedEvent, opts: InvokeOptions): Promise<number> {
  const overrides = parseEnvPairs(opts.env ?? []);
  const json = ctx.global.json;
  const { worker, params, uses } = await prepareLocalFunction(fleet, fn, {
    env: ctx.env,
    endpointUrl: ctx.global.endpointUrl,
    log: (m) => ctx.log.debug(m),
    // Live logs on stderr as the function writes them; with --json they go into the document instead.
    onLog: json ? undefined : (chunk) => ctx.io.stderr.write(chunk),
    onWarning: (m) => ctx.log.warn(m),
  });
  Object.assign(worker.env, overrides);
  if (params.missing.length) {
    ctx.log.warn(
      `${fn.key} reads ${params.missing.join(', ')}, not set ${params.source ? `in ${params.source}` : `(no .env.${fleet.stage} file)`}: the handler will look them up in SSM`,
    );
  } else if (params.source && fn.params.length) {
    ctx.log.info(ctx.color.dim(`params from ${params.source}`));
  }
  if (uses.note) ctx.log.info(ctx.color.dim(uses.note));
  ctx.log.info(ctx.color.dim(`invoking ${fn.key} locally (${fn.runtime}) with ${resolved.source}`));
  const result = await invokeOnce(worker, { event: resolved.event });
  if (json) {
    ctx.outJson({ function: fn.key, local: true, ...result });
  } else {
    const { stdout, stderr } = renderInvokeResult(result, ctx.color);
    for (const l of stderr) ctx.log.raw(l);
    if (stdout !== undefined) ctx.out(stdout);
  }
  return result.ok ? 0 : 1;
}

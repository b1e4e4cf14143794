import type { Context } from '../cli/context.js';
import type { InvokeOptions } from '../commands/invoke.js';
import { loadFleetFor, selectFunctions } from '../commands/shared.js';
import { UsageError } from '../errors.js';
import { renderInvokeResult } from '../ui/invoke.js';
import { resolveEvent } from './events.js';
import { invokeOnce } from './local/index.js';
import { prepareLocalFunction } from './local-run.js';

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

/** `ops invoke`: resolve the event, run the function, print the result on stdout and its logs on stderr. */
export async function invokeCommand(ctx: Context, name: string, fromStdin: boolean, opts: InvokeOptions): Promise<number> {
  const fleet = await loadFleetFor(ctx);
  const [fn] = selectFunctions(fleet, [name]);
  const { event, source } = await resolveEvent(
    fn,
    { event: opts.event, eventFile: opts.eventFile, payload: opts.payload, stdin: fromStdin ? () => readAll(ctx.io.stdin) : undefined },
    ctx.cwd,
  );
  if (!opts.local) {
    throw new UsageError('remote invoke needs the deploy engine, which this build does not have yet', {
      hint: `run it locally: ops invoke ${fn.key} --local`,
    });
  }
  const overrides = parseEnvPairs(opts.env ?? []);
  const json = ctx.global.json;
  const { worker, params } = await prepareLocalFunction(fleet, fn, {
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
  ctx.log.info(ctx.color.dim(`invoking ${fn.key} locally (${fn.runtime}) with ${source}`));
  const result = await invokeOnce(worker, { event });
  if (json) {
    ctx.outJson({ function: fn.key, local: true, ...result });
  } else {
    const { stdout, stderr } = renderInvokeResult(result, ctx.color);
    for (const l of stderr) ctx.log.raw(l);
    if (stdout !== undefined) ctx.out(stdout);
  }
  return result.ok ? 0 : 1;
}

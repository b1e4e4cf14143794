import type { Context } from '../cli/context.js';
import { loadFleetFor } from '../cli/setup.js';
import { UsageError } from '../errors.js';
import { parseEnvPairs } from '../invoke/command.js';
import { renderAccessLine, renderDevRoutes } from '../ui/dev.js';
import { renderFunctionUrls } from '../ui/function-urls.js';
import { devApiView } from './api-view.js';
import { startDevServer } from './server.js';

/** Flags of `ops dev`. */
export interface DevOptions {
  port: string;
  watch: boolean;
  env?: string[];
  poll?: boolean;
  maxWorkers: string;
  /** `--api <key>`: serve a named API of `apis` instead of the default one. */
  api?: string;
}

function intOption(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} ${raw}: expected a whole number ${min}..${max}`);
  return n;
}

/** Prefixes each line a function writes with its name, keeping partial lines until they end. */
function functionLogger(write: (line: string) => void, label: (fn: string) => string) {
  const partial = new Map<string, string>();
  return (fn: string, chunk: string) => {
    const lines = ((partial.get(fn) ?? '') + chunk).split('\n');
    partial.set(fn, lines.pop() ?? '');
    for (const line of lines) write(`${label(fn)} ${line}`);
  };
}

/** Resolves on Ctrl-C (or SIGTERM); the listeners are removed afterwards. */
function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** `ops dev`: start the server, print its URL (stdout) and routes (stderr), serve until interrupted. */
export async function devCommand(ctx: Context, opts: DevOptions): Promise<number> {
  const port = intOption('--port', opts.port, 0, 65535);
  const maxWorkers = intOption('--max-workers', opts.maxWorkers, 1, 64);
  const envOverrides = parseEnvPairs(opts.env ?? []);
  const fleet = devApiView(await loadFleetFor(ctx), opts.api);
  const c = ctx.color;
  ctx.log.info(
    c.dim(`ops dev: building ${fleet.functions.filter((f) => f.routes.length || f.url).length} functions of ${fleet.app}/${fleet.stage}…`),
  );
  const server = await startDevServer({
    fleet,
    port,
    env: ctx.env,
    endpointUrl: ctx.global.endpointUrl,
    envOverrides,
    watch: opts.watch ? { poll: opts.poll } : false,
    maxWorkersPerFunction: maxWorkers,
    hooks: {
      access: (r) => ctx.log.raw(renderAccessLine(r, c)),
      info: (m) => ctx.log.info(m),
      warn: (m) => ctx.log.warn(m),
      debug: (m) => ctx.log.debug(m),
      functionLog: functionLogger(
        (line) => ctx.log.raw(line),
        (fn) => c.dim(`${fn} │`),
      ),
    },
  });
  const routes = server.routes.map((r) => ({ route: r.key, function: r.fn }));
  if (ctx.global.json) ctx.outJson({ url: server.url, routes, functionUrls: server.functionUrls });
  else ctx.out(server.url);
  if (server.routes.length) for (const line of renderDevRoutes(server.routes, server.url)) ctx.log.info(line);
  const urls = server.functionUrls.map((u) => ({ function: u.fn, url: u.url, auth: u.auth }));
  for (const line of renderFunctionUrls(urls, c)) ctx.log.info(line);
  for (const note of server.notes) ctx.log.info(c.dim(note));
  const watching = server.watchMode ? `watching ${server.watchMode === 'poll' ? 'by polling' : 'for changes'}` : 'not watching';
  ctx.log.info(c.dim(`serving on ${server.url} · ${watching} · Ctrl-C stops`));
  const signal = await interrupted();
  ctx.log.info(c.dim(`${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping`));
  await server.close();
  return 0;
}

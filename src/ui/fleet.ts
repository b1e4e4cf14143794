import type { ChalkInstance } from 'chalk';
import { allApis } from '../config/apis.js';
import { refText } from '../config/refs.js';
import { secretParamLabel, secretParamRef } from '../config/resolve-param-secrets.js';
import type { Fleet, FunctionSpec, RouteSpec } from '../config/types.js';
import { renderTable } from './table.js';

/** Human view of a resolved fleet (`ops config`). Pure: returns lines. */
export function renderFleet(fleet: Fleet, c: ChalkInstance): string[] {
  const lines = [
    `${c.bold(fleet.app)} · stage ${c.cyan(fleet.stage)} · ${fleet.region} · ${fleet.functions.length} function${fleet.functions.length === 1 ? '' : 's'}`,
    `config ${fleet.configPath}`,
    '',
  ];
  lines.push(
    ...renderTable(
      ['function', 'physical name', 'runtime', 'memory', 'timeout', 'handler'],
      fleet.functions.map((f) => [
        f.key,
        f.name,
        `${f.runtime}/${f.architecture}`,
        `${f.memory} MB`,
        `${f.timeout}s`,
        f.handler.lambdaHandler,
      ]),
    ),
  );
  // An `auth` column only when some route has one: fleets without authorizers print as before.
  const withAuth = fleet.functions.some((f) => f.routes.some((r) => r.auth));
  const authOf = (a: RouteSpec['auth']) => (!a ? 'none' : a.type === 'iam' ? 'iam' : `${a.authorizer} (${a.type})`);
  // One table per API: the default one, then each of `apis` (its key beside its name).
  for (const api of allApis(fleet)) {
    const routes = fleet.functions.flatMap((f) =>
      f.routes.filter((r) => r.api === api.key).map((r) => [r.key, f.key, ...(withAuth ? [authOf(r.auth)] : [])]),
    );
    if (!routes.length) continue;
    const name = `${c.bold(api.name)}${api.key ? ` (apis.${api.key})` : ''}`;
    const title =
      api.type === 'rest' ? `REST API ${name}, stage ${api.stage ?? 'prod'}` : `HTTP API ${name}${api.stage ? `, stage ${api.stage}` : ''}`;
    lines.push('', title, ...renderTable(['route', 'function', ...(withAuth ? ['auth'] : [])], routes).map((l) => `  ${l}`));
  }
  if (fleet.params.length) {
    lines.push(
      '',
      'params',
      ...renderTable(
        ['name', 'path', 'type', 'read by'],
        fleet.params.map((p) => [
          p.name,
          p.secret ? secretParamLabel(p.secret) : p.path,
          p.secret ? 'Secrets Manager' : p.secure ? 'SecureString' : 'String',
          p.readers.join(', ') || c.dim('nobody'),
        ]),
      ).map((l) => `  ${l}`),
    );
  }
  for (const f of fleet.functions) {
    const extra: string[] = [];
    if (f.invokes.length) extra.push(`invokes ${f.invokes.join(', ')}`);
    if (f.role) extra.push(`role ${f.role}`);
    const env = environmentSources(fleet, f).filter((e) => e.from !== 'ops');
    if (!extra.length && !env.length) continue;
    lines.push('', `${c.bold(f.key)}${extra.length ? `: ${extra.join(' · ')}` : ''}`);
    if (env.length)
      lines.push(
        ...renderTable(
          ['environment', 'from'],
          env.map((e) => [e.name, sourceText(e)]),
        ).map((l) => `  ${l}`),
      );
  }
  return lines;
}

/** Where one environment variable of a function comes from (`ops config`): never its value. */
export interface EnvSource {
  name: string;
  /** `ops`: OPS_APP, OPS_STAGE; `param`: a param's SSM name, or its value with `resolvedAtDeploy`; `uses`: a resource's name, URL or ARN. */
  from: 'ops' | 'config' | 'param' | 'invokes' | 'ref' | 'uses';
  param?: string;
  resolvedAtDeploy?: boolean;
  secure?: boolean;
  /** `invokes`: the key of the function it names. */
  function?: string;
  /** `ref`: the reference to the fleet itself the plan fills in (`api.url`, `function.<key>.arn`, ...). */
  ref?: string;
  /** `uses`: the resource's key, its type and physical name, and the access the function has. */
  resource?: string;
  type?: string;
  physicalName?: string;
  access?: string;
}

/**
 * Every variable a deployed function gets, sorted by name, with its source. A `resolve: true` param
 * and a reference to the fleet (`envRefs`) are not in `environment` (the deploy fills them in) but are listed here.
 */
export function environmentSources(fleet: Fleet, fn: FunctionSpec): EnvSource[] {
  const out = new Map<string, EnvSource>();
  for (const name of Object.keys(fn.environment)) {
    const target = fn.invokes.find((key) => namesFunction(fn.environment[name], physicalNameOf(fleet, key)));
    if (name === 'OPS_APP' || name === 'OPS_STAGE') out.set(name, { name, from: 'ops' });
    else if (target) out.set(name, { name, from: 'invokes', function: target });
    else out.set(name, { name, from: 'config' });
  }
  for (const [name, ref] of Object.entries(fn.envRefs ?? {})) out.set(name, { name, from: 'ref', ref: refText(ref) });
  // Filled in at deploy time (a queue's URL and a topic's ARN hold the account), so not in `environment`.
  for (const u of fn.uses) {
    const physicalName = fleet.resources.find((r) => r.key === u.resource)?.physicalName ?? u.resource;
    out.set(u.env, { name: u.env, from: 'uses', resource: u.resource, type: u.type, physicalName, access: u.access });
  }
  for (const p of fn.params) {
    // A config environment entry of the same name wins over the param's, as in resolveFleet.
    if (!p.resolve && fn.environment[p.env] !== (p.secret ? secretParamRef(p.secret) : p.path)) continue;
    out.set(p.env, {
      name: p.env,
      from: 'param',
      param: p.name,
      ...(p.resolve ? { resolvedAtDeploy: true } : {}),
      ...(p.secure ? { secure: true } : {}),
    });
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const physicalNameOf = (fleet: Fleet, key: string) => fleet.functions.find((f) => f.key === key)?.name ?? key;

/** A name, `name:qualifier` or an ARN of the function. */
const namesFunction = (value: string | undefined, name: string) =>
  value !== undefined && (value === name || value.startsWith(`${name}:`) || new RegExp(`:function:${name}(:|$)`).test(value));

function sourceText(e: EnvSource): string {
  if (e.from === 'invokes') return `invokes ${e.function}`;
  if (e.from === 'ref') return `${e.ref}, filled in at deploy time`;
  if (e.from === 'uses') return `uses ${e.resource}: ${e.type} ${e.physicalName} (${e.access})`;
  if (e.from !== 'param') return e.from;
  if (!e.resolvedAtDeploy) return `param ${e.param}: its SSM name (the value is read at run time)`;
  return `param ${e.param}: its value, read at deploy time${e.secure ? ' (secure, in plain text: plaintextEnv)' : ''}`;
}

/** `ops config --json`: the resolved fleet, each function with where its environment variables come from. */
export function fleetToJson(fleet: Fleet): object {
  return { ...fleet, functions: fleet.functions.map((f) => ({ ...f, environmentSources: environmentSources(fleet, f) })) };
}

import type { Aws } from '../aws/clients.js';
import { callerIdentity } from '../aws/identity.js';
import type { Runtime } from '../config/runtimes.js';
import type { Fleet } from '../config/types.js';
import { probePython } from '../invoke/local/interpreter.js';
import { missingParams, paramSetHint } from '../params/check.js';
import type { DoctorFacts } from './checks.js';

export interface GatherOptions {
  now: Date;
  env: NodeJS.ProcessEnv;
  profile?: string;
  endpointUrl?: string;
}

/**
 * Reads what the checks need: the local interpreters (the way `ops invoke --local` picks them), one STS call,
 * and the params the way the deploy preflight reads them (missingParams), only once the credentials work.
 */
export async function gatherFacts(aws: Aws, fleet: Fleet, opts: GatherOptions): Promise<DoctorFacts> {
  const runtimes = [...new Set(fleet.functions.map((f) => f.runtime))];
  const [python, identity] = await Promise.all([localPythons(runtimes), identityOrError(aws)]);
  const missing = 'error' in identity ? undefined : await missingParams(aws, fleet);
  return {
    today: opts.now.toISOString().slice(0, 10),
    node: process.versions.node,
    python,
    functions: fleet.functions.map((f) => ({ key: f.key, runtime: f.runtime, alarms: f.alarms.length })),
    aws: { region: fleet.region, credentials: credentialSource(opts), profile: opts.profile, endpointUrl: opts.endpointUrl },
    identity,
    missingParams: missing?.map((m) => ({ name: m.name, readers: m.readers, fix: m.secret?.hint ?? paramSetHint(fleet, m.name) })),
    declaredParams: fleet.params.length,
  };
}

/** Where the clients take credentials from, in src/aws/clients.ts's order: environment keys unless a profile is named, then the profile, then the default chain. */
function credentialSource(opts: GatherOptions): string {
  if (opts.env.AWS_ACCESS_KEY_ID && opts.env.AWS_SECRET_ACCESS_KEY && !opts.profile) return 'keys from AWS_ACCESS_KEY_ID';
  return opts.profile ? `profile ${opts.profile}` : "the SDK's default chain (no profile set)";
}

async function localPythons(runtimes: Runtime[]): Promise<DoctorFacts['python']> {
  const found: DoctorFacts['python'] = {};
  for (const runtime of runtimes.filter((r) => r.startsWith('python'))) {
    const python = (await probePython(runtime)) ?? (await probePython('python3'));
    found[runtime] = python?.version;
  }
  return found;
}

async function identityOrError(aws: Aws): Promise<DoctorFacts['identity']> {
  try {
    return await callerIdentity(aws);
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] };
  }
}

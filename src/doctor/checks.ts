import { isDeprecated, RUNTIME_DEPRECATION } from '../config/runtime-deprecation.js';
import { RUNTIMES, type Runtime } from '../config/runtimes.js';

/** What `ops doctor` looked at: this machine, the credentials, the fleet and what AWS holds of its params. */
export interface DoctorFacts {
  /** UTC day, YYYY-MM-DD. */
  today: string;
  node: string;
  /** The local Python (the one `ops invoke --local` would run) per Python runtime the fleet uses; undefined when none found. */
  python: Partial<Record<Runtime, string | undefined>>;
  functions: { key: string; runtime: Runtime; alarms: number }[];
  /** `credentials`: where they come from, as the clients pick them (profile, environment keys, the SDK's default chain). */
  aws: { region: string; credentials: string; profile?: string; endpointUrl?: string };
  identity: { account: string; arn: string } | { error: string };
  /** Params without a value for the stage, each with the command that sets it; undefined when not checked. */
  missingParams?: { name: string; readers: string[]; fix: string }[];
  declaredParams: number;
}

/** One line of the report: a check that passed, or a finding with its one-line fix. */
export interface DoctorLine {
  check: 'node' | 'python' | 'credentials' | 'params' | 'runtime' | 'alarms';
  ok: boolean;
  message: string;
  fix?: string;
}

const keysOn = (facts: DoctorFacts, runtime: Runtime) =>
  facts.functions
    .filter((f) => f.runtime === runtime)
    .map((f) => f.key)
    .join(', ');

const usedRuntimes = (facts: DoctorFacts) => [...new Set(facts.functions.map((f) => f.runtime))];

/** The whole report, in the order it is printed. Pure: the facts decide. */
export function doctorLines(facts: DoctorFacts): DoctorLine[] {
  return [...localLines(facts), credentialLine(facts), ...paramLines(facts), ...runtimeLines(facts), ...alarmLines(facts)];
}

function localLines(facts: DoctorFacts): DoctorLine[] {
  const lines: DoctorLine[] = [];
  const localMajor = facts.node.split('.')[0];
  for (const runtime of usedRuntimes(facts)) {
    if (runtime.startsWith('nodejs')) {
      const major = runtime.slice('nodejs'.length).split('.')[0];
      lines.push(
        major === localMajor
          ? { check: 'node', ok: true, message: `local Node ${facts.node} matches ${runtime}` }
          : {
              check: 'node',
              ok: false,
              message: `local Node ${facts.node} is not ${runtime} (${keysOn(facts, runtime)}): ops invoke --local and ops dev run them on Node ${localMajor}`,
              fix: `use Node ${major} locally (e.g. nvm install ${major} && nvm use ${major})`,
            },
      );
      continue;
    }
    const wanted = runtime.slice('python'.length);
    const local = facts.python[runtime];
    lines.push(
      local?.startsWith(`${wanted}.`)
        ? { check: 'python', ok: true, message: `local Python ${local} matches ${runtime}` }
        : {
            check: 'python',
            ok: false,
            message: `${local ? `local Python ${local}` : 'no python3 on PATH'} for ${runtime} (${keysOn(facts, runtime)})`,
            fix: `install Python ${wanted} as python${wanted} (e.g. pyenv install ${wanted})`,
          },
    );
  }
  return lines;
}

function credentialLine(facts: DoctorFacts): DoctorLine {
  const { region, credentials, profile, endpointUrl } = facts.aws;
  const where = `region ${region}, ${credentials}${endpointUrl ? `, endpoint ${endpointUrl} (override)` : ''}`;
  if ('error' in facts.identity) {
    return {
      check: 'credentials',
      ok: false,
      message: `no usable AWS credentials (${where}): ${facts.identity.error}`,
      fix: endpointUrl
        ? `check that ${endpointUrl} is up and takes these credentials, or unset AWS_ENDPOINT_URL (and --endpoint-url) to reach AWS`
        : profile
          ? `aws sso login --profile ${profile} (or aws configure --profile ${profile})`
          : 'set AWS_PROFILE, or run aws configure',
    };
  }
  return { check: 'credentials', ok: true, message: `account ${facts.identity.account} as ${facts.identity.arn} (${where})` };
}

function paramLines(facts: DoctorFacts): DoctorLine[] {
  if (facts.declaredParams === 0) return [];
  if (!facts.missingParams)
    return [{ check: 'params', ok: false, message: 'params not checked: no usable credentials', fix: 'fix the credentials first' }];
  if (facts.missingParams.length === 0)
    return [
      { check: 'params', ok: true, message: facts.declaredParams === 1 ? 'the 1 param is set' : `all ${facts.declaredParams} params set` },
    ];
  return facts.missingParams.map((m) => ({
    check: 'params' as const,
    ok: false,
    message: `param ${m.name} is not set (read by ${m.readers.join(', ')}): ops deploy stops on it`,
    fix: m.fix,
  }));
}

/** The newest runtime of the same language, which the fix names. */
const newestLike = (runtime: Runtime) => RUNTIMES.find((r) => r.startsWith(runtime.startsWith('nodejs') ? 'nodejs' : 'python'));

function runtimeLines(facts: DoctorFacts): DoctorLine[] {
  return usedRuntimes(facts).map((runtime) =>
    isDeprecated(runtime, facts.today)
      ? {
          check: 'runtime',
          ok: false,
          message: `${runtime} (${keysOn(facts, runtime)}) is deprecated by AWS since ${RUNTIME_DEPRECATION[runtime]}: no more patches, and then no creates or updates`,
          fix: `set runtime: '${newestLike(runtime)}' on them (or in defaults), test, deploy`,
        }
      : { check: 'runtime', ok: true, message: `${runtime} is supported by AWS until ${RUNTIME_DEPRECATION[runtime]}` },
  );
}

function alarmLines(facts: DoctorFacts): DoctorLine[] {
  const bare = facts.functions.filter((f) => f.alarms === 0);
  if (bare.length === 0) return [{ check: 'alarms', ok: true, message: `every function has an alarm` }];
  return bare.map((f) => ({
    check: 'alarms' as const,
    ok: false,
    message: `function ${f.key} has no alarm: its errors go unnoticed`,
    fix: `add alarms: [{ metric: 'Errors', threshold: 1 }] to functions.${f.key} in the config`,
  }));
}

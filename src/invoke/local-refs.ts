import { readApi } from '../aws/apigw.js';
import { readLayers } from '../aws/layers.js';
import { readRestApi } from '../aws/rest-api.js';
import { layerName } from '../config/naming.js';
import { type EnvRef, refText } from '../config/refs.js';
import type { Fleet, FunctionSpec } from '../config/types.js';
import { apiRefOf, type RefSources, refValue } from '../plan/refs.js';
import { hasAwsCredentials, withinBudget } from './local-layers.js';

/**
 * References to the fleet in a function's environment (`ref.api.url`, `ref.fn('worker').arn`, ...),
 * filled in for a local run as the deploy fills them: names from the config; the API (`ops dev`: the
 * local server itself), ARNs and layer versions from the stage as deployed, when AWS answers in time.
 * What cannot be known is left out, with one warning each (never a made-up value).
 */
export interface LocalRefOptions {
  env: NodeJS.ProcessEnv;
  endpointUrl?: string;
  /** `ops dev`: the API a function names is the local server (its base URL). */
  apiUrl?: string;
  timeoutMs?: number;
  warn?: (msg: string) => void;
}

export async function localRefValues(fleet: Fleet, fn: FunctionSpec, opts: LocalRefOptions): Promise<Record<string, string>> {
  const refs = Object.entries(fn.envRefs ?? {});
  if (!refs.length) return {};
  const src = await deployedSources(
    fleet,
    refs.map(([, r]) => r),
    opts,
  );
  const out: Record<string, string> = {};
  for (const [key, ref] of refs) {
    const missing = unknownPart(fleet, src, ref);
    if (missing) opts.warn?.(`${fn.key}: ${key} (${refText(ref)}) is not set in this local run: ${missing}`);
    else out[key] = refValue(fleet, src as RefSources, ref);
  }
  return out;
}

type LocalSources = Partial<RefSources> & { layerVersions: Record<string, string>; why?: string };

/** Why a reference cannot be filled in from what was found, or `undefined` when it can. */
function unknownPart(fleet: Fleet, src: LocalSources, ref: EnvRef): string | undefined {
  const why = src.why ? ` (${src.why})` : '';
  if (ref.kind === 'api')
    return src.api ? undefined : `the stage has no ${fleet.api?.type === 'rest' ? 'REST' : 'HTTP'} API deployed${why}`;
  if (ref.kind === 'layer') {
    return src.layerVersions[layerName(fleet.app, fleet.stage, ref.key)] ? undefined : `layer ${ref.key} is not deployed${why}`;
  }
  if (ref.field === 'name' || ref.field === 'qualifiedName') return undefined;
  return src.accountId ? undefined : `its ARN needs the account id${why}`;
}

/** The account, the deployed API and layer versions, read only when a reference needs them and within the budget. */
async function deployedSources(fleet: Fleet, refs: EnvRef[], opts: LocalRefOptions): Promise<LocalSources> {
  const base: LocalSources = { layerVersions: {}, ...(opts.apiUrl ? { api: { id: 'local', url: opts.apiUrl } } : {}) };
  const needApi = !opts.apiUrl && refs.some((r) => r.kind === 'api');
  const needLayers = refs.some((r) => r.kind === 'layer');
  const needAccount = refs.some((r) => r.kind === 'function' && (r.field === 'arn' || r.field === 'qualifiedArn'));
  if (!needApi && !needLayers && !needAccount) return base;
  if (!hasAwsCredentials(opts.env)) return { ...base, why: 'no AWS credentials' };
  try {
    const [accountId, api, layers] = await withinBudget(fleet.region, opts, opts.timeoutMs ?? 2000, (aws) =>
      Promise.all([
        needAccount ? aws.accountId() : undefined,
        needApi ? (fleet.api?.type === 'rest' ? readRestApi(aws, fleet) : readApi(aws, fleet)) : undefined,
        needLayers ? readLayers(aws, fleet) : undefined,
      ]),
    );
    const apiRef = api && apiRefOf(fleet, { region: fleet.region, ...api });
    const layerVersions: Record<string, string> = {};
    for (const l of Object.values(layers?.items ?? {})) layerVersions[l.name] = l.latestVersionArn;
    return {
      ...base,
      ...(accountId ? { accountId } : {}),
      ...(apiRef ? { api: apiRef } : {}),
      layerVersions,
    };
  } catch (error) {
    return { ...base, why: (error as Error).message };
  }
}

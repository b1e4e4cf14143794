import type { Aws } from '../aws/clients.js';
import { liveAliasArn } from '../aws/lambda.js';
import { pendingLayerName } from '../config/naming.js';
import type { Actual, FunctionConfiguration } from '../model/actual.js';
import { fillPending } from '../plan/refs.js';

/** How a change reports a wait (a function still updating, a role not yet visible to Lambda). */
export interface ChangeWait {
  onWait?: (reason: string) => void;
}

/** What the executor was given that some change kinds need. */
export interface RunOptions {
  aws: Aws;
  actual: Actual;
  /** Zips by physical function name, for architecture changes (UpdateFunctionCode carries them). */
  zips?: Record<string, string>;
  /** The fleet's `deploy.bucket`: code is staged there. */
  bucket?: string;
  /** The smoke gate: false keeps `live` where it was (see ApplyOptions.beforeAliasMove). */
  beforeAliasMove?: (name: string, version: string) => Promise<boolean | 'split'>;
}

/**
 * One apply run, shared by its changes: the ids known only once something is created (the API, its
 * integrations, new layer versions) and the versions published. Resource modules read and fill it.
 */
export class ApplyRun {
  apiId?: string;
  apiEndpoint?: string;
  /** The REST API's id: read, or created in this run (the custom domain maps it). */
  restApiId?: string;
  readonly versions: Record<string, string> = {};
  /** Integration ids created or updated in this run, by function name. */
  readonly integrations = new Map<string, string>();
  private integrationsByUri?: Map<string, string>;
  /** HTTP API authorizer ids created in this run, by authorizer name. */
  readonly authorizers = new Map<string, string>();
  /** Layer version ARNs published in this run, by layer name. */
  readonly layerVersions = new Map<string, string>();

  constructor(readonly opts: RunOptions) {
    this.apiId = opts.actual.api?.id;
    this.apiEndpoint = opts.actual.api?.endpoint;
    this.restApiId = opts.actual.restApi?.id;
  }

  get aws(): Aws {
    return this.opts.aws;
  }

  /** The change's API id, or the one created in this run. */
  api(change: { apiId?: string }): string {
    const id = change.apiId ?? this.apiId;
    if (!id) throw new Error('the HTTP API does not exist (its creation failed or was skipped)');
    return id;
  }

  /** The change's REST API id, or the one created in this run. */
  restApi(change: { apiId?: string }): string {
    const id = change.apiId ?? this.restApiId;
    if (!id) throw new Error('the REST API does not exist (its creation failed or was skipped)');
    return id;
  }

  /** The integration calling function `name`: created in this run, or found by its `live` alias URI. */
  async integrationFor(name: string): Promise<string> {
    const created = this.integrations.get(name);
    if (created) return created;
    if (!this.integrationsByUri) {
      this.integrationsByUri = new Map((this.opts.actual.api?.integrations ?? []).map((i) => [i.uri, i.id]));
    }
    const id = this.integrationsByUri.get(await liveAliasArn(this.opts.aws, name));
    if (!id) throw new Error(`no integration for ${name} (its creation failed or was skipped)`);
    return id;
  }

  /** A pending layer version replaced by the version published in this run; anything else as it is. */
  layerVersion(arn: string): string {
    const name = pendingLayerName(arn);
    if (!name) return arn;
    const published = this.layerVersions.get(name);
    if (!published) throw new Error(`layer ${name} has no new version (its publish failed or was skipped)`);
    return published;
  }

  /** An environment value with what the plan left pending (the API's URL or id, a new layer version) filled in. */
  private envValue(value: string): string {
    return fillPending(value, {
      api: (field) => {
        const known = field === 'url' ? this.apiEndpoint : this.apiId;
        if (!known) throw new Error(`the HTTP API's ${field} is not known (its creation failed or was skipped)`);
        return known;
      },
      layer: (arn) => this.layerVersion(arn),
    });
  }

  /** The configuration with what only this run learns filled in: new layer versions, the new API's URL and id. */
  withLateValues(config: FunctionConfiguration): FunctionConfiguration {
    const layers = config.layers.map((arn) => this.layerVersion(arn));
    const environment = config.environment && Object.fromEntries(Object.entries(config.environment).map(([k, v]) => [k, this.envValue(v)]));
    return { ...config, layers, ...(environment ? { environment } : {}) };
  }
}

import type { ApplyRun } from '../../apply/run.js';
import { liveAliasArn } from '../../aws/lambda.js';

/**
 * What one apply run learns about one HTTP API: its id once created, the integrations and authorizers it
 * creates. The default API's is the run itself (ApplyRun holds it, as before); a named API (`apis.<key>`)
 * gets its own, so two APIs calling one function never mix their integrations.
 */
export type ApiRunState = Pick<ApplyRun, 'aws' | 'apiId' | 'apiEndpoint' | 'integrations' | 'authorizers' | 'api' | 'integrationFor'>;

class NamedApiRun implements ApiRunState {
  apiId?: string;
  apiEndpoint?: string;
  readonly integrations = new Map<string, string>();
  readonly authorizers = new Map<string, string>();
  private byUri?: Map<string, string>;

  constructor(
    private readonly run: ApplyRun,
    private readonly key: string,
  ) {
    const have = run.opts.actual.apis?.[key];
    this.apiId = have?.id;
    this.apiEndpoint = have?.endpoint;
  }

  get aws() {
    return this.run.aws;
  }

  api(change: { apiId?: string }): string {
    const id = change.apiId ?? this.apiId;
    if (!id) throw new Error(`the HTTP API ${this.key} does not exist (its creation failed or was skipped)`);
    return id;
  }

  async integrationFor(name: string): Promise<string> {
    const created = this.integrations.get(name);
    if (created) return created;
    this.byUri ??= new Map((this.run.opts.actual.apis?.[this.key]?.integrations ?? []).map((i) => [i.uri, i.id]));
    const id = this.byUri.get(await liveAliasArn(this.aws, name));
    if (!id) throw new Error(`no integration for ${name} on the HTTP API ${this.key} (its creation failed or was skipped)`);
    return id;
  }
}

const named = new WeakMap<ApplyRun, Map<string, NamedApiRun>>();

/** The run state of the change's API. */
export function apiRun(run: ApplyRun, change: { namedApi?: string }): ApiRunState {
  const key = change.namedApi;
  if (!key) return run;
  let byKey = named.get(run);
  if (!byKey) named.set(run, (byKey = new Map()));
  let state = byKey.get(key);
  if (!state) byKey.set(key, (state = new NamedApiRun(run, key)));
  return state;
}

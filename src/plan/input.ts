import type { Fleet } from '../config/types.js';
import type { Actual } from '../model/actual.js';

/** A built function zip, as the planner needs it. */
export interface ArtifactRef {
  /** Base64 sha256 of the zip: what Lambda reports as CodeSha256. */
  codeSha256: string;
  /** Hex sha256 of the zip (display). */
  sha256: string;
  zipPath: string;
}

/** Everything `planDeploy` decides from. */
export interface PlanDeployInput {
  fleet: Fleet;
  /** By function key. Needed for every function the plan creates; without one, code is left as deployed. */
  artifacts: Record<string, ArtifactRef>;
  actual: Actual;
  /** Function keys: deploy just these and prune nothing else (the API is created if they need it). */
  only?: string[];
  /** Values of params resolved into environments, by param name. */
  paramValues?: Record<string, string>;
  /** Desired = nothing: delete everything owned (with `only`: just those functions). Log groups too. */
  destroy?: boolean;
  /**
   * `--allow-data-loss` for this run: a stateful resource (table, bucket, queue, secret) may be replaced when AWS can
   * change it no other way, and a bucket deleted with `removal: 'destroy'` may be emptied first. Without it the plan
   * refuses such a change before any write.
   */
  allowDataLoss?: boolean;
}

import type { PolicyDocument } from './actual.js';

/** What the writers in src/aws are given to create or update, as the planners decide it. */

/** An EventBridge schedule as the executor writes it: rule, target (the `live` alias) and permission. */
export interface ScheduleChangeSpec {
  ruleName: string;
  /** A schedule's rule: its expression; a pattern rule: its EventPattern (JSON) and bus. */
  expression?: string;
  pattern?: string;
  /** Absent: the default bus. */
  bus?: string;
  enabled: boolean;
  description?: string;
  /** JSON text. */
  input?: string;
  /** The function's `live` alias ARN. */
  targetArn: string;
  functionName: string;
  statementId: string;
  tags: Record<string, string>;
}

export interface RoleSpec {
  name: string;
  path: string;
  trustPolicy: PolicyDocument;
  policyName: string;
  policy: PolicyDocument;
  tags: Record<string, string>;
}

import { AWS_LIMITS, alarmRangeProblem, environmentBytes, policyChars, tagProblem } from '../../src/config/limits.js';
import type { RecordedCall } from './sdk-recorder.js';

/** IAM's own limit on a role's trust policy (AssumeRolePolicyDocument), whitespace not counted. */
const TRUST_POLICY_CHARS = 2_048;

/** The tags a call carries, whatever its service's shape: a map, or a list of `{ Key, Value }`. */
function tagsOf(input: Record<string, any>): Record<string, string> | undefined {
  const t = input.Tags ?? input.tags;
  if (!t) return undefined;
  if (Array.isArray(t)) return Object.fromEntries(t.map((x: { Key: string; Value?: string }) => [x.Key, x.Value ?? '']));
  return t as Record<string, string>;
}

/** What each check looked at: a check that saw nothing proves nothing. */
export interface RequestChecks {
  problems: string[];
  seen: { environments: number; policies: number; tagged: number; cors: number; targets: number; descriptions: number; alarms: number };
}

/**
 * Every recorded request checked against the limits ops checks before sending (src/config/limits.ts):
 * what real AWS would refuse, though moto accepts it.
 */
export function checkRequests(calls: readonly RecordedCall[]): RequestChecks {
  const problems: string[] = [];
  const seen = { environments: 0, policies: 0, tagged: 0, cors: 0, targets: 0, descriptions: 0, alarms: 0 };
  // IAM's limit is on a role's inline policies together: the latest document of each policy, summed per role.
  const rolePolicies = new Map<string, Map<string, number>>();
  for (const { client, command, input } of calls) {
    const at = `${client.replace(/Client$/, '')}.${command}`;
    const variables = input.Environment?.Variables as Record<string, string> | undefined;
    if (variables && (command === 'CreateFunction' || command === 'UpdateFunctionConfiguration')) {
      seen.environments++;
      const bytes = environmentBytes(variables);
      if (bytes > AWS_LIMITS.environmentBytes) problems.push(`${at} ${input.FunctionName}: environment ${bytes} bytes`);
    }
    if (command === 'PutRolePolicy') {
      seen.policies++;
      const byName = rolePolicies.get(input.RoleName) ?? new Map<string, number>();
      byName.set(input.PolicyName, policyChars(JSON.parse(input.PolicyDocument)));
      rolePolicies.set(input.RoleName, byName);
    }
    if (command === 'CreateRole' && policyChars(JSON.parse(input.AssumeRolePolicyDocument)) > TRUST_POLICY_CHARS) {
      problems.push(`${at} ${input.RoleName}: trust policy over ${TRUST_POLICY_CHARS} characters`);
    }
    const tags = tagsOf(input);
    if (tags) {
      seen.tagged++;
      const n = Object.keys(tags).length;
      if (n > AWS_LIMITS.tagsPerResource) problems.push(`${at}: ${n} tags`);
      for (const [k, v] of Object.entries(tags)) {
        const p = tagProblem('key', k) ?? tagProblem('value', v);
        if (p) problems.push(`${at}: ${p}`);
      }
    }
    const cors = input.CorsConfiguration as { MaxAge?: number } | undefined;
    if (cors) {
      seen.cors++;
      if ((cors.MaxAge ?? 0) > AWS_LIMITS.corsMaxAgeSeconds) problems.push(`${at}: CORS MaxAge ${cors.MaxAge}`);
    }
    if (command === 'PutTargets') {
      for (const t of input.Targets ?? []) {
        seen.targets++;
        if (typeof t.Input === 'string' && t.Input.length > AWS_LIMITS.scheduleInputChars) {
          problems.push(`${at} ${input.Rule}: Input ${t.Input.length} characters`);
        }
      }
    }
    if (command === 'PutParameter' && input.Description !== undefined) {
      seen.descriptions++;
      if (input.Description.length > AWS_LIMITS.paramDescriptionChars) problems.push(`${at} ${input.Name}: description too long`);
    }
    if (command === 'PutMetricAlarm') {
      seen.alarms++;
      const range = alarmRangeProblem(input.Period, input.EvaluationPeriods);
      if (range) problems.push(`${at} ${input.AlarmName}: ${range}`);
      if (input.DatapointsToAlarm !== undefined && input.DatapointsToAlarm > input.EvaluationPeriods) {
        problems.push(
          `${at} ${input.AlarmName}: DatapointsToAlarm ${input.DatapointsToAlarm} > EvaluationPeriods ${input.EvaluationPeriods}`,
        );
      }
    }
  }
  for (const [role, byName] of rolePolicies) {
    const total = [...byName.values()].reduce((a, b) => a + b, 0);
    if (total > AWS_LIMITS.rolePolicyChars) problems.push(`iam role ${role}: inline policies ${total} characters`);
  }
  return { problems, seen };
}

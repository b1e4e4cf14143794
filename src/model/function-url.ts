import type { FunctionUrlAuth, FunctionUrlInvokeMode } from '../config/function-url.js';
import type { FUNCTION_URL_STATEMENTS } from '../config/naming.js';
import { type FunctionUrlCors, type FunctionUrlSpec, normalizeCors } from '../config/resolve-function-url.js';

export { normalizeCors };

/**
 * A Function URL as read from AWS (GetFunctionUrlConfig on `live`), in the shape of the desired
 * FunctionUrlSpec plus the URL itself, and the pure helpers that compare the two. No I/O here.
 */
export interface ActualFunctionUrl {
  /** `https://{id}.lambda-url.{region}.on.aws/`. */
  url: string;
  auth: FunctionUrlAuth;
  /** Lambda's defaults left out, as in the spec; absent when nothing is set. */
  cors?: FunctionUrlCors;
  invokeMode: FunctionUrlInvokeMode;
}

/** Which of the two public statements of a NONE URL (their ids: FUNCTION_URL_STATEMENTS in src/config/naming.ts). */
export type PublicUrlStatement = keyof typeof FUNCTION_URL_STATEMENTS;

/** The parts of a resource-policy statement looked at here (actual.ts's PolicyStatement has them). */
interface StatementLike {
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: Record<string, unknown>;
}

/** Field names whose values differ between desired and actual (`auth`, `cors`, `invokeMode`); empty when equal. */
export function functionUrlDiffs(desired: FunctionUrlSpec, actual: Omit<ActualFunctionUrl, 'url'>): ('auth' | 'cors' | 'invokeMode')[] {
  const out: ('auth' | 'cors' | 'invokeMode')[] = [];
  if (desired.auth !== actual.auth) out.push('auth');
  if (!sameCors(desired.cors, actual.cors)) out.push('cors');
  if (desired.invokeMode !== actual.invokeMode) out.push('invokeMode');
  return out;
}

// Lists compare as sets: origins, methods and headers carry no order. Header names are case-insensitive.
function sameCors(a: FunctionUrlCors | undefined, b: FunctionUrlCors | undefined): boolean {
  const x = normalizeCors(a) ?? {};
  const y = normalizeCors(b) ?? {};
  const set = (l: string[] | undefined, fold = false) => [...new Set((l ?? []).map((v) => (fold ? v.toLowerCase() : v)))].sort().join('\n');
  return (
    set(x.AllowOrigins) === set(y.AllowOrigins) &&
    set(x.AllowMethods) === set(y.AllowMethods) &&
    set(x.AllowHeaders, true) === set(y.AllowHeaders, true) &&
    set(x.ExposeHeaders, true) === set(y.ExposeHeaders, true) &&
    (x.MaxAge ?? 0) === (y.MaxAge ?? 0) &&
    (x.AllowCredentials ?? false) === (y.AllowCredentials ?? false)
  );
}

/**
 * Does this statement grant exactly the public access `kind` stands for? Principal `*`, Allow, the
 * action, and the condition that limits it to the URL; without that condition an `InvokeFunction`
 * for `*` would open the Invoke API itself to everyone, so such a statement never counts.
 * Moto keeps AddPermission's FunctionUrlAuthType / InvokedViaFunctionUrl fields as they were sent
 * instead of turning them into the Condition AWS writes; both shapes are accepted.
 */
export function grantsPublicUrl(s: StatementLike, kind: PublicUrlStatement): boolean {
  if ((s.Effect ?? 'Allow') !== 'Allow' || !isEveryone(s.Principal)) return false;
  const raw = s as StatementLike & { FunctionUrlAuthType?: unknown; InvokedViaFunctionUrl?: unknown };
  const condition = (op: string, key: string) => (s.Condition?.[op] as Record<string, unknown> | undefined)?.[key];
  if (kind === 'url') {
    const auth = condition('StringEquals', 'lambda:FunctionUrlAuthType') ?? raw.FunctionUrlAuthType;
    return hasAction(s, 'lambda:InvokeFunctionUrl') && auth === 'NONE';
  }
  const via = condition('Bool', 'lambda:InvokedViaFunctionUrl') ?? raw.InvokedViaFunctionUrl;
  return hasAction(s, 'lambda:InvokeFunction') && (via === true || via === 'true');
}

function hasAction(s: StatementLike, action: string): boolean {
  const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
  return actions.length === 1 && actions[0] === action;
}

function isEveryone(principal: unknown): boolean {
  return principal === '*' || (typeof principal === 'object' && principal !== null && (principal as { AWS?: unknown }).AWS === '*');
}

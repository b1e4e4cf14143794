import { routeKeyOf } from './authorizers.js';
import { restAuthorizerProblems } from './rest-authorizers.js';
import type { Problem } from './validate.js';

/** The config rules of a REST API (`api.type: 'rest'`), and of the REST-only fields on an HTTP API. */

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isRestApi = (raw: Record<string, any>) => isObj(raw.api) && raw.api.type === 'rest';

export function restApiProblems(raw: Record<string, any>): Problem[] {
  const out: Problem[] = [];
  if (!isObj(raw.api)) return out;
  out.push(...restAuthorizerProblems(raw.api, 'api'));
  if (!isRestApi(raw)) {
    // An HTTP API may name its stage (auto-deploy, instead of $default); stage variables stay REST's.
    if (raw.api.stageVariables !== undefined)
      out.push({ path: 'api.stageVariables', message: "stage variables are a REST API's (api.type 'rest')" });
    return out;
  }
  const origins = isObj(raw.api.cors) ? raw.api.cors.allowOrigins : undefined;
  if (Array.isArray(origins) && origins.length > 1)
    out.push({
      path: 'api.cors.allowOrigins',
      message: "a REST API's preflight answers one origin (as SAM's Cors does): give one, or '*'",
    });
  out.push(...routeProblems(raw.functions, raw.api.cors !== undefined));
  return out;
}

/** `$default` is an HTTP API's; REST allows one variable path part among siblings (`{id}` beside `{userId}` is refused). */
function routeProblems(fns: unknown, cors: boolean): Problem[] {
  const out: Problem[] = [];
  const variableAt = new Map<string, string>();
  for (const [key, fn] of Object.entries(isObj(fns) ? fns : {})) {
    if (!isObj(fn) || !Array.isArray(fn.routes)) continue;
    fn.routes.forEach((entry: unknown, i: number) => {
      const r = routeKeyOf(entry);
      if (r === undefined) return;
      const at = `functions.${key}.routes.${i}`;
      if (r === '$default') {
        out.push({ path: at, message: "'$default' is an HTTP API route; a REST API (api.type 'rest') needs 'ANY /{proxy+}'" });
        return;
      }
      if (cors && r.startsWith('OPTIONS '))
        out.push({
          path: at,
          message: 'with api.cors the REST API answers OPTIONS itself (a preflight per resource): drop this route or cors',
        });
      const parts = (r.split(' ')[1] ?? '').split('/').filter(Boolean);
      parts.forEach((part, j) => {
        if (!part.startsWith('{')) return;
        const parent = `/${parts.slice(0, j).join('/')}`;
        const seen = variableAt.get(parent);
        if (seen === undefined) variableAt.set(parent, part);
        else if (seen !== part)
          out.push({
            path: at,
            message: `'${part}' beside '${seen}' under ${parent}: a REST API allows one variable path part per resource`,
          });
      });
    });
  }
  return out;
}

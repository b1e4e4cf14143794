import type { Integration, Route } from '@aws-sdk/client-apigatewayv2';
import type { ImportedApi, ImportedRoute, ImportedRule } from '../import/model.js';
import { listApis } from './apigw.js';
import type { Aws } from './clients.js';
import { orNotFound } from './errors.js';
import { mapCors } from './map.js';
import { allPages, mapLimit } from './pool.js';
import { read } from './retry.js';

/* `ops import`'s reads of what calls the functions: EventBridge rules, SNS subscriptions, HTTP API routes. */

const parse = (s: string | undefined): unknown => {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
};

/** The default bus's rules targeting the function or one of its aliases (`targets`: those ARNs). */
export async function rulesTargeting(aws: Aws, targets: readonly string[]): Promise<ImportedRule[]> {
  const events = await aws.events();
  const names = new Set<string>();
  for (const arn of targets) {
    const found = await allPages(
      (NextToken) => read(aws, () => events.listRuleNamesByTarget({ TargetArn: arn, ...(NextToken ? { NextToken } : {}) })),
      (p) => p.RuleNames,
      (p) => p.NextToken,
    );
    for (const n of found) names.add(n);
  }
  const rules = await mapLimit([...names].sort(), 4, async (name) => {
    const [rule, ts] = await Promise.all([
      orNotFound(read(aws, () => events.describeRule({ Name: name }))),
      allPages(
        (NextToken) => read(aws, () => events.listTargetsByRule({ Rule: name, ...(NextToken ? { NextToken } : {}) })),
        (p) => p.Targets,
        (p) => p.NextToken,
      ),
    ]);
    if (!rule) return undefined;
    const ours = ts.filter((t) => t.Arn && targets.includes(t.Arn));
    const t = ours[0];
    const unsupported =
      ts.length > 1
        ? `it has ${ts.length} targets (ops keeps a rule with one, its function)`
        : t?.InputPath || t?.InputTransformer
          ? 'its target transforms the input'
          : t?.Arn !== targets[0]
            ? `it targets ${t?.Arn} (ops's rules target live)`
            : undefined;
    const out: ImportedRule = {
      name,
      ...(rule.ScheduleExpression ? { schedule: rule.ScheduleExpression } : {}),
      ...(rule.EventPattern ? { pattern: parse(rule.EventPattern) as Record<string, unknown> } : {}),
      ...(rule.Description ? { description: rule.Description } : {}),
      enabled: rule.State !== 'DISABLED',
      ...(t?.Input !== undefined ? { input: parse(t.Input) } : {}),
      ...(unsupported ? { unsupported } : {}),
    };
    return out;
  });
  return rules.filter((r): r is ImportedRule => !!r);
}

/** Lambda subscriptions of the account's topics whose endpoint is one of the functions, by function ARN. */
export async function subscriptionsByEndpoint(
  aws: Aws,
  arns: readonly string[],
): Promise<Map<string, { topicArn: string; filterPolicy?: Record<string, unknown> }[]>> {
  const sns = await aws.sns();
  const subs = await allPages(
    (NextToken) => read(aws, () => sns.listSubscriptions({ ...(NextToken ? { NextToken } : {}) })),
    (p) => p.Subscriptions,
    (p) => p.NextToken,
  );
  const out = new Map<string, { topicArn: string; filterPolicy?: Record<string, unknown> }[]>();
  for (const s of subs) {
    if (s.Protocol !== 'lambda' || !s.Endpoint || !arns.includes(s.Endpoint) || !s.SubscriptionArn) continue;
    const attrs = await orNotFound(read(aws, () => sns.getSubscriptionAttributes({ SubscriptionArn: s.SubscriptionArn })));
    const policy = attrs?.Attributes?.FilterPolicy;
    const list = out.get(s.Endpoint) ?? [];
    list.push({ topicArn: s.TopicArn ?? '', ...(policy ? { filterPolicy: parse(policy) as Record<string, unknown> } : {}) });
    out.set(s.Endpoint, list);
  }
  return out;
}

/** The function an integration invokes (`...:function:NAME`, `...:function:NAME:alias`, or API Gateway's invocation URI). */
export const integrationFunction = (uri: string | undefined) => /:function:([A-Za-z0-9_-]+)/.exec(uri ?? '')?.[1];

function apiProblem(routes: Route[], byIntegration: Map<string, string | undefined>, names: ReadonlySet<string>): string | undefined {
  for (const r of routes) {
    const fn = byIntegration.get((r.Target ?? '').replace(/^integrations\//, ''));
    if (!fn || !names.has(fn)) return `route ${r.RouteKey} goes to something not imported (ops would remove it)`;
    if (r.AuthorizationType && r.AuthorizationType !== 'NONE') return `route ${r.RouteKey} has ${r.AuthorizationType} authorization`;
  }
  return undefined;
}

/**
 * HTTP APIs with a route to one of the functions, and those routes. An API is kept only when ops can own all of it
 * as it is: every route goes to an imported function with no authorizer; otherwise it says why and is left alone.
 */
export async function httpApisRouting(
  aws: Aws,
  names: ReadonlySet<string>,
): Promise<{ apis: ImportedApi[]; routes: Map<string, ImportedRoute[]> }> {
  const apigw = await aws.apigw();
  const all = (await listApis(aws)).filter((a) => a.ProtocolType === 'HTTP' && a.ApiId);
  const apis: ImportedApi[] = [];
  const routes = new Map<string, ImportedRoute[]>();
  await mapLimit(all, 4, async (api) => {
    const ApiId = api.ApiId ?? '';
    const [integrations, rs, stages] = await Promise.all([
      allPages(
        (NextToken) => read(aws, () => apigw.getIntegrations({ ApiId, ...(NextToken ? { NextToken } : {}) })),
        (p) => p.Items as Integration[] | undefined,
        (p) => p.NextToken,
      ),
      allPages(
        (NextToken) => read(aws, () => apigw.getRoutes({ ApiId, ...(NextToken ? { NextToken } : {}) })),
        (p) => p.Items as Route[] | undefined,
        (p) => p.NextToken,
      ),
      allPages(
        (NextToken) => read(aws, () => apigw.getStages({ ApiId, ...(NextToken ? { NextToken } : {}) })),
        (p) => p.Items,
        (p) => p.NextToken,
      ),
    ]);
    const byIntegration = new Map(integrations.map((i) => [i.IntegrationId ?? '', integrationFunction(i.IntegrationUri)]));
    const mine = rs.filter((r) => names.has(byIntegration.get((r.Target ?? '').replace(/^integrations\//, '')) ?? ''));
    if (!mine.length) return;
    const named = stages.map((s) => s.StageName ?? '').filter((s) => s && s !== '$default');
    const hasDefault = stages.some((s) => s.StageName === '$default');
    const problem = apiProblem(rs, byIntegration, names) ?? (!hasDefault && named.length > 1 ? `it has ${named.length} stages` : undefined);
    const cors = mapCors(api.CorsConfiguration);
    apis.push({
      id: ApiId,
      name: api.Name ?? ApiId,
      ...(problem ? { unsupported: problem } : {}),
      ...(!hasDefault && named[0] ? { stage: named[0] } : {}),
      ...(cors ? { cors } : {}),
    });
    for (const r of mine) {
      const fn = byIntegration.get((r.Target ?? '').replace(/^integrations\//, '')) ?? '';
      routes.set(fn, [...(routes.get(fn) ?? []), { apiId: ApiId, routeKey: r.RouteKey ?? '' }]);
    }
  });
  apis.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { apis, routes };
}

import { describe, expect, it } from 'vitest';
import { parseRoute } from '../../src/config/resolve.js';
import { compileRoutes, matchRoute } from '../../src/dev/routes.js';

const fleet = (routes: Record<string, string[]>) =>
  compileRoutes(Object.entries(routes).map(([key, keys]) => ({ key, routes: keys.map(parseRoute) })));
const pick = (routes: ReturnType<typeof fleet>, method: string, path: string) => {
  const m = matchRoute(routes, method, path);
  return m ? { route: m.route.key, params: m.pathParameters } : undefined;
};

describe('route precedence (API Gateway HTTP API)', () => {
  // The example of API Gateway's routing documentation, plus $default.
  const routes = fleet({
    exact: ['GET /pets/dog/1'],
    param: ['GET /pets/dog/{id}'],
    greedy: ['GET /pets/{proxy+}'],
    any: ['ANY /{proxy+}'],
    fallback: ['$default'],
  });

  it.each([
    ['GET', '/pets/dog/1', 'GET /pets/dog/1', undefined],
    ['GET', '/pets/dog/2', 'GET /pets/dog/{id}', { id: '2' }],
    ['GET', '/pets/cat/1', 'GET /pets/{proxy+}', { proxy: 'cat/1' }],
    ['POST', '/pets/dog/1', 'ANY /{proxy+}', { proxy: 'pets/dog/1' }],
    // A greedy variable needs at least one segment: /pets is not under /pets/{proxy+}.
    ['GET', '/pets', 'ANY /{proxy+}', { proxy: 'pets' }],
    ['GET', '/', '$default', undefined],
  ])('%s %s → %s', (method, path, route, params) => {
    expect(pick(routes, method, path)).toEqual({ route, params });
  });

  it('exact beats {param} beats {proxy+} regardless of the order the config lists them', () => {
    const r = fleet({ a: ['ANY /api/{proxy+}'], b: ['GET /api/{name}'], c: ['GET /api/health'] });
    expect(pick(r, 'GET', '/api/health')?.route).toBe('GET /api/health');
    expect(pick(r, 'GET', '/api/echo')?.route).toBe('GET /api/{name}');
    expect(pick(r, 'GET', '/api/echo/deep')?.route).toBe('ANY /api/{proxy+}');
    expect(pick(r, 'DELETE', '/api/health')?.route).toBe('ANY /api/{proxy+}');
  });

  it('a method route beats ANY on the same path; ANY serves the other methods', () => {
    const r = fleet({ any: ['ANY /tasks'], get: ['GET /tasks'] });
    expect(pick(r, 'GET', '/tasks')?.route).toBe('GET /tasks');
    expect(pick(r, 'PUT', '/tasks')?.route).toBe('ANY /tasks');
  });

  it('a literal segment beats a variable at the first place they differ', () => {
    const r = fleet({ a: ['GET /{org}/repos/{id}'], b: ['GET /users/{user}/{id}'] });
    expect(pick(r, 'GET', '/users/repos/7')?.route).toBe('GET /users/{user}/{id}');
    expect(pick(r, 'GET', '/acme/repos/7')).toEqual({ route: 'GET /{org}/repos/{id}', params: { org: 'acme', id: '7' } });
  });

  it('the longer greedy prefix wins', () => {
    const r = fleet({ a: ['ANY /{proxy+}'], b: ['ANY /api/{proxy+}'], c: ['ANY /api/v2/{rest+}'] });
    expect(pick(r, 'GET', '/api/v2/x/y')).toEqual({ route: 'ANY /api/v2/{rest+}', params: { rest: 'x/y' } });
    expect(pick(r, 'GET', '/api/v1/x')).toEqual({ route: 'ANY /api/{proxy+}', params: { proxy: 'v1/x' } });
    expect(pick(r, 'GET', '/other')).toEqual({ route: 'ANY /{proxy+}', params: { proxy: 'other' } });
  });

  it('path variables are decoded; an empty segment matches no variable', () => {
    const r = fleet({ t: ['GET /tasks/{id}'] });
    expect(pick(r, 'GET', '/tasks/a%20b%2Fc')?.params).toEqual({ id: 'a b/c' });
    expect(pick(r, 'GET', '/tasks/')).toBeUndefined();
    expect(pick(r, 'GET', '/tasks/1/more')).toBeUndefined();
  });

  it('no route and no $default: no match (the 404)', () => {
    const r = fleet({ t: ['GET /tasks', 'POST /tasks'] });
    expect(pick(r, 'DELETE', '/tasks')).toBeUndefined();
    expect(pick(r, 'GET', '/')).toBeUndefined();
  });

  it('sorts the table most specific first, whatever the input order', () => {
    const r = fleet({ z: ['$default'], a: ['ANY /{proxy+}', 'GET /a/{x}', 'ANY /a', 'GET /a'] });
    expect(r.map((x) => x.key)).toEqual(['GET /a', 'ANY /a', 'GET /a/{x}', 'ANY /{proxy+}', '$default']);
  });

  it('the repo fleet: tasks-api routes and the gateway proxy', () => {
    const r = fleet({ 'tasks-api': ['POST /tasks', 'GET /tasks', 'GET /tasks/{id}'], gateway: ['ANY /api/{proxy+}'] });
    expect(matchRoute(r, 'GET', '/tasks/t-1')?.route.fn).toBe('tasks-api');
    expect(matchRoute(r, 'PATCH', '/api/health')?.route.fn).toBe('gateway');
    expect(matchRoute(r, 'GET', '/api')).toBeUndefined();
  });
});

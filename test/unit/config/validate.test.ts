import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../../src/config/did-you-mean.js';
import { physicalName, upperSnake } from '../../../src/config/naming.js';
import { validateFleet } from '../../../src/config/validate.js';

const files = new Set(['src/a/handler.ts', 'src/b/lambda_function.py', 'src/c/index.mjs']);
const env = { stage: 'dev', exists: (p: string) => files.has(p) };

const base = () => ({
  app: 'shop',
  functions: {
    api: { handler: 'src/a/handler.ts', routes: ['GET /items/{id}', 'ANY /api/{proxy+}'], params: ['db-url'] },
    worker: { handler: 'src/b/lambda_function.lambda_handler' },
  },
  params: { 'db-url': { secure: true } },
});

describe('validateFleet', () => {
  it('accepts a valid fleet', () => {
    const r = validateFleet(base(), env);
    expect(r.problems).toEqual([]);
    expect(r.fleet?.app).toBe('shop');
  });

  it('reports every problem at once, each with its field path', () => {
    const cfg: any = base();
    cfg.functions.api.memory = 64; // out of range
    cfg.functions.api.timeut = 30; // unknown key (typo)
    cfg.functions.api.runtime = 'nodejs16.x'; // unsupported
    cfg.functions.worker.routes = ['FETCH /x']; // bad route
    cfg.functions.api.params = ['db-ur']; // undeclared param
    const r = validateFleet(cfg, env);
    expect(r.fleet).toBeUndefined();
    const paths = r.problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'functions.api.memory',
        'functions.api.timeut',
        'functions.api.runtime',
        'functions.worker.routes.0',
        'functions.api.params.0',
      ]),
    );
    expect(r.problems).toHaveLength(5);
    expect(r.problems.find((p) => p.path === 'functions.api.timeut')?.message).toContain("did you mean 'timeout'");
    expect(r.problems.find((p) => p.path === 'functions.api.params.0')?.message).toContain("did you mean 'db-url'");
    expect(r.problems.find((p) => p.path === 'functions.api.memory')?.message).toContain('128..10240');
  });

  it('rejects unknown top-level keys and names missing required ones', () => {
    const r = validateFleet({ apps: 'x', functions: {} }, env);
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
    expect(byPath.apps).toContain("did you mean 'app'");
    expect(byPath.app).toBe('is required');
    expect(byPath.functions).toContain('at least one function');
  });

  it('checks handler files, runtime/language agreement and invoke targets', () => {
    const cfg: any = base();
    cfg.functions.api.handler = 'src/missing/handler.ts';
    cfg.functions.worker.runtime = 'nodejs22.x';
    cfg.functions.worker.invokes = ['apj'];
    const r = validateFleet(cfg, env);
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
    expect(byPath['functions.api.handler']).toContain('no file');
    expect(byPath['functions.worker.runtime']).toContain('cannot run');
    expect(byPath['functions.worker.invokes.0']).toContain("did you mean 'api'");
  });

  it('refuses reserved environment variables and duplicate routes across functions', () => {
    const cfg: any = base();
    cfg.functions.api.environment = { AWS_REGION: 'us-east-1', OK_VAR: 'x' };
    cfg.functions.worker.routes = ['GET /items/{itemId}'];
    const r = validateFleet(cfg, env);
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p.message]));
    expect(byPath['functions.api.environment.AWS_REGION']).toContain('reserved');
    expect(byPath['functions.worker.routes.0']).toContain("already a route of 'api'");
  });

  it('refuses physical names longer than Lambda allows for the stage', () => {
    const cfg: any = base();
    cfg.functions['a-very-long-function-name-that-goes-on-and-on'] = { handler: 'src/a/handler.ts' };
    cfg.app = 'a-long-application-name';
    const r = validateFleet(cfg, { ...env, stage: 'production-eu' });
    expect(r.problems.some((p) => p.message.includes('Lambda allows 64'))).toBe(true);
  });
});

describe('naming', () => {
  it('derives physical names and env names', () => {
    expect(physicalName('tasks', 'dev', 'tasks-api')).toBe('tasks-dev-tasks-api');
    expect(upperSnake('amadeus/client-id')).toBe('AMADEUS_CLIENT_ID');
    expect(didYouMean('memroy', ['memory', 'timeout'])).toBe('memory');
    expect(didYouMean('zzz', ['memory', 'timeout'])).toBeUndefined();
  });
});

describe('validateFleet: what was expected, not "is required", when a value has the wrong type', () => {
  const problemsOf = (mutate: (cfg: any) => void) => {
    const cfg: any = base();
    mutate(cfg);
    return validateFleet(cfg, env).problems;
  };

  it('accepts numbers and booleans in environment and turns them into strings, as serverless.yml does', () => {
    const cfg: any = base();
    cfg.functions.api.environment = { SERVICE_PORT: 8080, DEBUG: true, NAME: 'x' };
    const r = validateFleet(cfg, env);
    expect(r.problems).toEqual([]);
    expect(r.fleet?.functions.api.environment).toEqual({ SERVICE_PORT: '8080', DEBUG: 'true', NAME: 'x' });
  });

  it('an environment value that is an object or null says it must be a string', () => {
    const problems = problemsOf((cfg) => {
      cfg.functions.api.environment = { A: { nested: 1 }, B: null };
    });
    expect(problems.map((p) => p.path)).toEqual(['functions.api.environment.A', 'functions.api.environment.B']);
    for (const p of problems) {
      expect(p.message).not.toContain('is required');
      expect(p.message).toMatch(/must be a string/);
    }
  });

  it('a number where a string is expected names the fix', () => {
    const problems = problemsOf((cfg) => {
      cfg.functions.api.description = 8080;
    });
    expect(problems).toEqual([{ path: 'functions.api.description', message: "must be a string, not the number 8080; write '8080'" }]);
  });

  it("a retention of 'forever' or null says a number of days or 'never' is expected, with the allowed values ('never' is one: issue 16)", () => {
    for (const value of ['forever', null]) {
      const problems = problemsOf((cfg) => {
        cfg.functions.api.logRetentionDays = value;
      });
      expect(problems).toHaveLength(1);
      expect(problems[0].path).toBe('functions.api.logRetentionDays');
      expect(problems[0].message).toMatch(
        /^log retention is a number of days, one of 1, 3, 5, .*, or 'never' \(got (the string 'forever'|null)\)$/,
      );
    }
    expect(problemsOf((cfg) => (cfg.functions.api.logRetentionDays = 'never'))).toEqual([]);
    expect(problemsOf((cfg) => (cfg.functions.api.logRetentionDays = 31))).toEqual([
      {
        path: 'functions.api.logRetentionDays',
        message: expect.stringMatching(/^log retention must be one of 1, .*, or 'never' \(got 31\)$/),
      },
    ]);
  });

  it('a missing required field is still "is required"', () => {
    const problems = problemsOf((cfg) => {
      delete cfg.functions.api.handler;
    });
    expect(problems).toContainEqual({ path: 'functions.api.handler', message: 'is required' });
  });
});

describe('validateFleet: problems inside `api` (false | { ... })', () => {
  it('names the fields inside the object, not "expected false", when it has two problems', () => {
    const cfg: any = base();
    cfg.api = { type: 'rest', stage: 'has space', cors: 'yes' };
    const r = validateFleet(cfg, env);
    const paths = r.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['api.stage', 'api.cors']));
    expect(r.problems.map((p) => p.message).join('\n')).not.toMatch(/expected false/);
  });
});

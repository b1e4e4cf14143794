import path from 'node:path';
import type { BundleSpec, FunctionSpec, HandlerSpec } from '../../../src/config/types.js';

export type FunctionOverrides = Partial<Omit<FunctionSpec, 'handler' | 'bundle'>> & {
  handler?: Partial<HandlerSpec>;
  bundle?: Partial<BundleSpec>;
};

/** A complete FunctionSpec with sane defaults (a Node.js function `greet` in app `demo`, stage `dev`). */
export function functionSpec(overrides: FunctionOverrides = {}): FunctionSpec {
  const { handler, bundle, ...rest } = overrides;
  const key = rest.key ?? 'greet';
  const name = rest.name ?? `demo-dev-${key}`;
  const file = handler?.file ?? `/project/src/functions/${key}/handler.ts`;
  return {
    key,
    name,
    runtime: 'nodejs22.x',
    language: 'node',
    uses: [],
    memory: 256,
    timeout: 30,
    architecture: 'x86_64',
    ephemeralStorage: 512,
    environment: { OPS_APP: 'demo', OPS_STAGE: 'dev' },
    tags: { 'ops:app': 'demo', 'ops:stage': 'dev', 'ops:function': key },
    routes: [],
    params: [],
    invokes: [],
    permissions: [],
    roleName: `${name}-role`,
    logGroup: `/aws/lambda/${name}`,
    logRetentionDays: 30,
    triggers: [],
    layers: [],
    alarms: [],
    ...rest,
    handler: {
      file,
      exportName: 'handler',
      lambdaHandler: `index.${handler?.exportName ?? 'handler'}`,
      root: path.dirname(file),
      ...handler,
    },
    bundle: { sourcemap: false, minify: false, external: [], bundleAwsSdk: false, ...bundle },
  };
}

/** The fixture's Node.js function (`src/functions/greet/handler.ts` under `root`). */
export function nodeFunction(root: string, overrides: FunctionOverrides = {}): FunctionSpec {
  return functionSpec({ ...overrides, handler: { file: path.join(root, 'src/functions/greet/handler.ts'), ...overrides.handler } });
}

/** The fixture's Python function (`src/functions/analyze/lambda_function.lambda_handler` under `root`). */
export function pythonFunction(root: string, overrides: FunctionOverrides = {}): FunctionSpec {
  const dir = path.join(root, 'src/functions/analyze');
  return functionSpec({
    key: 'analyze',
    runtime: 'python3.12',
    language: 'python',
    ...overrides,
    handler: {
      file: path.join(dir, 'lambda_function.py'),
      exportName: 'lambda_handler',
      lambdaHandler: 'lambda_function.lambda_handler',
      root: dir,
      ...overrides.handler,
    },
  });
}

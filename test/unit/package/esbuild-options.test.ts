import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { ESM_REQUIRE_BANNER, esbuildOptionsFor, nodeTarget } from '../../../src/package/index.js';
import { portableOptions, resolutionInputs, splitLambdaHandler } from '../../../src/package/node.js';
import { functionSpec } from './builders.js';

const paths = { root: '/project', outdir: '/project/.ops/build/greet' };

describe('esbuildOptionsFor', () => {
  it('bundles a nodejs22.x handler as one ESM index.mjs for node22, with @aws-sdk/* left to the runtime', () => {
    const options = esbuildOptionsFor(functionSpec(), paths);
    expect(options).toEqual({
      stdin: {
        contents: 'export { handler } from "./handler.ts";\n',
        resolveDir: '/project/src/functions/greet',
        sourcefile: '__ops_entry__.js',
        loader: 'js',
      },
      absWorkingDir: '/project',
      outfile: '/project/.ops/build/greet/index.mjs',
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      external: ['@aws-sdk/*'],
      banner: { js: ESM_REQUIRE_BANNER },
      sourcemap: false,
      sourcesContent: false,
      minify: false,
      keepNames: false,
      charset: 'utf8',
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
  });

  it('targets the runtime: nodejs20.x gives node20', () => {
    expect(esbuildOptionsFor(functionSpec({ runtime: 'nodejs20.x' }), paths).target).toBe('node20');
  });

  it('gives the same options for arm64 (the bundle is architecture-independent)', () => {
    expect(esbuildOptionsFor(functionSpec({ architecture: 'arm64' }), paths)).toEqual(esbuildOptionsFor(functionSpec(), paths));
  });

  it('bundles @aws-sdk/* when bundleAwsSdk is set', () => {
    expect(esbuildOptionsFor(functionSpec({ bundle: { bundleAwsSdk: true } }), paths).external).toEqual([]);
  });

  it('adds bundle.external after @aws-sdk/*, without duplicates', () => {
    const fn = functionSpec({ bundle: { external: ['sharp', '@aws-sdk/*', 'pg-native'] } });
    expect(esbuildOptionsFor(fn, paths).external).toEqual(['@aws-sdk/*', 'sharp', 'pg-native']);
    const bundled = functionSpec({ bundle: { external: ['sharp'], bundleAwsSdk: true } });
    expect(esbuildOptionsFor(bundled, paths).external).toEqual(['sharp']);
  });

  it('emits a linked source map without sources when sourcemap is set', () => {
    const options = esbuildOptionsFor(functionSpec({ bundle: { sourcemap: true } }), paths);
    expect(options.sourcemap).toBe('linked');
    expect(options.sourcesContent).toBe(false);
  });

  it('minifies and keeps function names for stack traces when minify is set', () => {
    const options = esbuildOptionsFor(functionSpec({ bundle: { minify: true } }), paths);
    expect(options).toMatchObject({ minify: true, keepNames: true });
  });

  it('re-exports the source export under the name in lambdaHandler', () => {
    const fn = functionSpec({ handler: { file: '/project/src/api.ts', exportName: 'main', lambdaHandler: 'index.handler' } });
    const options = esbuildOptionsFor(fn, paths);
    expect(options.stdin?.contents).toBe('export { main as handler } from "./api.ts";\n');
    expect(options.outfile).toBe('/project/.ops/build/greet/index.mjs');
  });

  it('keeps the export name when the resolver set lambdaHandler to index.<exportName>', () => {
    const fn = functionSpec({ handler: { exportName: 'main' } });
    expect(fn.handler.lambdaHandler).toBe('index.main');
    expect(esbuildOptionsFor(fn, paths).stdin?.contents).toBe('export { main } from "./handler.ts";\n');
  });

  it('handles a default export', () => {
    const fn = functionSpec({ handler: { exportName: 'default', lambdaHandler: 'index.handler' } });
    expect(esbuildOptionsFor(fn, paths).stdin?.contents).toBe('export { default as handler } from "./handler.ts";\n');
  });

  it('refuses export names that are not identifiers', () => {
    const fn = functionSpec({ handler: { exportName: 'not-valid', lambdaHandler: 'index.handler' } });
    expect(() => esbuildOptionsFor(fn, paths)).toThrow(UserError);
  });

  it('is pure: same result twice, input untouched', () => {
    const fn = Object.freeze(functionSpec({ bundle: { external: ['x'] } }));
    const before = structuredClone(fn);
    expect(esbuildOptionsFor(fn, paths)).toEqual(esbuildOptionsFor(fn, paths));
    expect(fn).toEqual(before);
  });
});

describe('helpers of the Node.js build', () => {
  it('maps every Node.js runtime to an esbuild target and refuses others', () => {
    expect(nodeTarget('nodejs22.x')).toBe('node22');
    expect(nodeTarget('nodejs20.x')).toBe('node20');
    expect(() => nodeTarget('python3.12')).toThrow(/not a Node.js runtime/);
  });

  it('splits a Lambda handler string into module and export', () => {
    expect(splitLambdaHandler('index.handler')).toEqual({ module: 'index', exportName: 'handler' });
    expect(splitLambdaHandler('dist/app.main')).toEqual({ module: 'dist/app', exportName: 'main' });
    expect(() => splitLambdaHandler('handler')).toThrow(UserError);
    expect(() => splitLambdaHandler('../x.handler')).toThrow(UserError);
  });

  it('makes options portable: the same project in another directory hashes the same', () => {
    const a = esbuildOptionsFor(functionSpec({ handler: { file: '/a/src/functions/greet/handler.ts' } }), {
      root: '/a',
      outdir: '/a/.ops/build/greet',
    });
    const b = esbuildOptionsFor(functionSpec({ handler: { file: '/b/c/src/functions/greet/handler.ts' } }), {
      root: '/b/c',
      outdir: '/b/c/.ops/build/greet',
    });
    expect(portableOptions(a, '/a')).toEqual(portableOptions(b, '/b/c'));
    expect(JSON.stringify(portableOptions(a, '/a'))).not.toContain('/a/');
  });

  it('lists the tsconfig.json and package.json files that can change resolution, up to the root', () => {
    const fn = functionSpec({ handler: { file: path.join('/project', 'src/functions/greet/handler.ts') } });
    expect(resolutionInputs(fn, '/project')).toEqual([
      'src/functions/greet/tsconfig.json',
      'src/functions/greet/jsconfig.json',
      'src/functions/greet/package.json',
      'src/functions/tsconfig.json',
      'src/functions/jsconfig.json',
      'src/functions/package.json',
      'src/tsconfig.json',
      'src/jsconfig.json',
      'src/package.json',
      'tsconfig.json',
      'jsconfig.json',
      'package.json',
    ]);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fleetDevDependencies,
  fleetPackageJson,
  fleetTsconfig,
  packageAdditions,
  packageNameFor,
  renderPackageAdditions,
} from '../../../src/scaffold/fleet-package.js';

const ops = JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'));

describe("the package.json and tsconfig.json of ops init's fleet", () => {
  it('pins the CLI at the running version and the tools at the versions ops itself is tested with', () => {
    expect(fleetDevDependencies(ops)).toEqual({
      opsfleet: ops.version,
      typescript: ops.devDependencies.typescript,
      '@types/aws-lambda': ops.devDependencies['@types/aws-lambda'],
      '@types/node': ops.devDependencies['@types/node'],
      '@aws-sdk/client-ssm': ops.dependencies['@aws-sdk/client-ssm'],
      '@aws-sdk/client-secrets-manager': ops.dependencies['@aws-sdk/client-secrets-manager'],
    });
    // Exact versions: a range could resolve to a release ops was never checked against.
    for (const v of Object.values(fleetDevDependencies(ops))) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    expect(() => fleetDevDependencies({ name: 'opsfleet', version: '1.0.0' })).toThrow('pins no typescript');
  });

  it('names the package after the directory, in a form npm accepts', () => {
    expect(packageNameFor('Orders API')).toBe('orders-api');
    expect(packageNameFor('_scratch.fleet')).toBe('scratch.fleet');
    expect(packageNameFor('***')).toBe('fleet');
  });

  it('writes a private ESM package with the scripts, and a strict NodeNext tsconfig over the config and src/', () => {
    const pkg = JSON.parse(fleetPackageJson('My Fleet', { opsfleet: '1.2.3' }).contents);
    expect(pkg).toEqual({
      name: 'my-fleet',
      private: true,
      type: 'module',
      scripts: { deploy: 'ops deploy', plan: 'ops plan', test: 'tsc --noEmit && ops smoke --local' },
      devDependencies: { opsfleet: '1.2.3' },
    });
    const ts = fleetTsconfig();
    expect(ts.path).toBe('tsconfig.json');
    expect(JSON.parse(ts.contents)).toMatchObject({
      compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true },
      include: ['ops.config.ts', 'src'],
    });
  });

  it('lists only what an existing package.json lacks, in dependencies or devDependencies', () => {
    const dev = { opsfleet: '1.2.3', typescript: '5.9.3', '@types/aws-lambda': '8.10.164' };
    const a = packageAdditions({ dependencies: { opsfleet: '^1.0.0' }, scripts: { deploy: 'make deploy' } }, dev);
    expect(a).toEqual({
      install: ['typescript@5.9.3', '@types/aws-lambda@8.10.164'],
      scripts: { plan: 'ops plan', test: expect.any(String) },
    });
    expect(renderPackageAdditions(a)).toEqual([
      'npm install --save-dev typescript@5.9.3 @types/aws-lambda@8.10.164',
      'scripts: "plan": "ops plan", "test": "tsc --noEmit && ops smoke --local"',
    ]);
    const complete = packageAdditions({ devDependencies: dev, scripts: { deploy: 'x', plan: 'y', test: 'z' } }, dev);
    expect(renderPackageAdditions(complete)).toEqual([]);
    // Not an object (JSON `null`): everything is missing.
    expect(packageAdditions(null, dev).install).toHaveLength(3);
  });
});

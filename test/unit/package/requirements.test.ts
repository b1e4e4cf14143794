import { describe, expect, it } from 'vitest';
import {
  indexRequirementsText,
  lambdaPlatforms,
  needsIndexInstall,
  normalizePackageName,
  pipIndexArgs,
  pipLocalArgs,
  planRequirements,
  pythonVersion,
} from '../../../src/package/requirements.js';

const base = '/project/src/functions/analyze';

describe('planRequirements', () => {
  it('skips what the Lambda runtime ships, whatever the spelling or pin', () => {
    const plan = planRequirements(
      'boto3==1.34.0\nBotocore>=1\nPython_Dateutil\nurllib3 ; python_version >= "3.8"\nsix\ns3transfer\njmespath\n',
      base,
    );
    expect(plan.provided).toEqual([
      'boto3==1.34.0',
      'Botocore>=1',
      'Python_Dateutil',
      'urllib3 ; python_version >= "3.8"',
      'six',
      's3transfer',
      'jmespath',
    ]);
    expect(plan.index).toEqual([]);
    expect(needsIndexInstall(plan)).toBe(false);
  });

  it('sorts local paths, index packages and options; drops comments and joins continuations', () => {
    const text = [
      '# tools',
      'requests==2.32.3  # http',
      'pydantic[email]>=2 \\',
      '  ; python_version >= "3.9"',
      './pkgs/foo',
      '../shared/bar',
      '-e ./pkgs/editable',
      'file:pkgs/baz',
      'qux @ file:///opt/qux',
      './wheels/thing-1.0-py3-none-any.whl',
      '--extra-index-url https://example.com/simple',
      '-r more.txt',
      '',
      'boto3',
    ].join('\n');
    const plan = planRequirements(text, base);
    expect(plan.index).toEqual(['requests==2.32.3', 'pydantic[email]>=2   ; python_version >= "3.9"']);
    expect(plan.local).toEqual([
      `${base}/pkgs/foo`,
      '/project/src/functions/shared/bar',
      `${base}/pkgs/editable`,
      `${base}/pkgs/baz`,
      '/opt/qux',
      `${base}/wheels/thing-1.0-py3-none-any.whl`,
    ]);
    expect(plan.options).toEqual(['--extra-index-url https://example.com/simple', `-r ${base}/more.txt`]);
    expect(plan.nested).toEqual([`${base}/more.txt`]);
    expect(plan.provided).toEqual(['boto3']);
    expect(needsIndexInstall(plan)).toBe(true);
    expect(indexRequirementsText(plan)).toBe(
      `--extra-index-url https://example.com/simple\n-r ${base}/more.txt\nrequests==2.32.3\npydantic[email]>=2   ; python_version >= "3.9"\n`,
    );
  });

  it('needs no index for local packages only', () => {
    const plan = planRequirements('./pkgs/foo\nboto3\n', base);
    expect(plan.local).toEqual([`${base}/pkgs/foo`]);
    expect(needsIndexInstall(plan)).toBe(false);
  });

  it('keeps a URL fragment (#egg=) that is not a comment', () => {
    expect(planRequirements('https://example.com/x.tar.gz#egg=x', base).index).toEqual(['https://example.com/x.tar.gz#egg=x']);
  });
});

describe('pip arguments', () => {
  it('targets Lambda x86_64 with binary wheels for the runtime Python', () => {
    expect(pipIndexArgs('/tmp/r.txt', '/tmp/t', 'python3.12', 'x86_64')).toEqual([
      '-m',
      'pip',
      'install',
      '-r',
      '/tmp/r.txt',
      '--target',
      '/tmp/t',
      '--platform',
      'manylinux_2_28_x86_64',
      '--platform',
      'manylinux2014_x86_64',
      '--implementation',
      'cp',
      '--python-version',
      '3.12',
      '--only-binary=:all:',
      '--no-compile',
      '--disable-pip-version-check',
      '--no-input',
      '--upgrade',
    ]);
  });

  it('targets aarch64 for arm64 and follows the runtime version', () => {
    const args = pipIndexArgs('/r', '/t', 'python3.13', 'arm64');
    expect(args).toContain('manylinux2014_aarch64');
    expect(args).toContain('manylinux_2_28_aarch64');
    expect(args[args.indexOf('--python-version') + 1]).toBe('3.13');
    expect(lambdaPlatforms('arm64')).toEqual(['manylinux_2_28_aarch64', 'manylinux2014_aarch64']);
    // python3.11 is on Amazon Linux 2 (glibc 2.26): no manylinux_2_28 wheels.
    expect(lambdaPlatforms('x86_64', 'python3.11')).toEqual(['manylinux2014_x86_64']);
  });

  it('installs local packages offline, without platform flags or dependencies', () => {
    const args = pipLocalArgs(['/p/foo', '/p/bar.whl'], '/t');
    expect(args).toEqual([
      '-m',
      'pip',
      'install',
      '--no-index',
      '--no-deps',
      '--no-build-isolation',
      '--target',
      '/t',
      '--no-compile',
      '--disable-pip-version-check',
      '--no-input',
      '--upgrade',
      '/p/foo',
      '/p/bar.whl',
    ]);
    expect(args.join(' ')).not.toContain('--platform');
  });

  it('normalizes names and versions', () => {
    expect(normalizePackageName('Python__Dateutil')).toBe('python-dateutil');
    expect(normalizePackageName('zope.interface')).toBe('zope-interface');
    expect(pythonVersion('python3.12')).toBe('3.12');
    expect(() => pythonVersion('nodejs22.x')).toThrow();
  });
});

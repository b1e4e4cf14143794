import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { ApplyResult } from '../../../src/apply/execute.js';
import type { FleetStatus } from '../../../src/status/fleet-status.js';
import { functionUrlsOf, renderFunctionUrls } from '../../../src/ui/function-urls.js';
import { renderStatus } from '../../../src/ui/status.js';
import { renderApplySummary } from '../../../src/ui/summary.js';

const plain = new Chalk({ level: 0 });
const URL_A = 'https://abc.lambda-url.us-east-1.on.aws/';
const URL_B = 'https://def.lambda-url.us-east-1.on.aws/';

describe('Function URLs in deploy and status output', () => {
  it('takes the URLs from the actual state, in config order, only for functions of this fleet', () => {
    const fleet = {
      functions: [
        { key: 'web', name: 'shop-dev-web' },
        { key: 'api', name: 'shop-dev-api' },
        { key: 'job', name: 'shop-dev-job' },
      ],
    };
    const actual = {
      functions: {
        'shop-dev-api': { url: { url: URL_B, auth: 'AWS_IAM', invokeMode: 'BUFFERED' } },
        'shop-dev-web': { url: { url: URL_A, auth: 'NONE', invokeMode: 'BUFFERED' } },
        'shop-dev-job': {},
        'shop-dev-old': { url: { url: 'https://old', auth: 'NONE', invokeMode: 'BUFFERED' } },
      },
    } as never;
    expect(functionUrlsOf(fleet as never, actual)).toEqual([
      { function: 'web', url: URL_A, auth: 'NONE' },
      { function: 'api', url: URL_B, auth: 'AWS_IAM' },
    ]);
  });

  it('one aligned line per URL, saying which are public', () => {
    expect(
      renderFunctionUrls(
        [
          { function: 'web', url: URL_A, auth: 'NONE' },
          { function: 'api-long', url: URL_B, auth: 'AWS_IAM' },
        ],
        plain,
      ),
    ).toEqual([`URL: web       ${URL_A}  public (auth NONE)`, `URL: api-long  ${URL_B}  AWS_IAM (signed requests)`]);
  });

  it('the deploy summary prints them after the API URL', () => {
    const result = { results: [], failed: [], skipped: [], versions: {} } as unknown as ApplyResult;
    const lines = renderApplySummary(result, {
      url: 'https://api.example',
      functionUrls: [{ function: 'web', url: URL_A, auth: 'NONE' }],
      ms: 10,
      color: plain,
    });
    expect(lines.slice(-2)).toEqual(['API: https://api.example', `URL: web  ${URL_A}  public (auth NONE)`]);
  });

  it('status prints each deployed URL under the table', () => {
    const status: FleetStatus = {
      app: 'shop',
      stage: 'dev',
      region: 'us-east-1',
      functions: [
        { function: 'web', name: 'shop-dev-web', deployed: true, code: 'same', configDrift: [], url: { url: URL_A, auth: 'NONE' } },
        { function: 'job', name: 'shop-dev-job', deployed: true, code: 'same', configDrift: [] },
      ],
      orphans: [],
    };
    const lines = renderStatus(status, plain);
    expect(lines.filter((l) => l.startsWith('URL:'))).toEqual([`URL: web  ${URL_A}  public (auth NONE)`]);
    expect(lines[lines.length - 2]).toBe('');
  });
});

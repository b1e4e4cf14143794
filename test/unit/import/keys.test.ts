import { describe, expect, it } from 'vitest';
import { s3ObjectOf } from '../../../src/aws/import-functions.js';
import { integrationFunction } from '../../../src/aws/import-triggers.js';
import { selectionOf } from '../../../src/import/command.js';
import { appFromPrefix, functionKeys, handlerPlace, looksSecret } from '../../../src/import/keys.js';

/** `ops import`'s pure rules: selection flags, keys and app from names, handlers in ops's form, where code lives. */
describe('ops import: names and handlers', () => {
  it('takes exactly one selection, each in its form', () => {
    expect(selectionOf({ prefix: 'autorescue-' })).toEqual({ prefix: 'autorescue-' });
    expect(selectionOf({ names: 'a, b,,c' })).toEqual({ names: ['a', 'b', 'c'] });
    expect(selectionOf({ tag: 'team=search' })).toEqual({ tag: { key: 'team', value: 'search' } });
    expect(() => selectionOf({})).toThrow('exactly one of --prefix, --names or --tag');
    expect(() => selectionOf({ prefix: 'a', names: 'b' })).toThrow('exactly one');
    expect(() => selectionOf({ tag: 'team' })).toThrow("--tag 'team' is not key=value");
  });

  it('makes keys from names without the prefix, unique, and the app from the prefix', () => {
    const keys = functionKeys(['AutoRescue-SearchFlights', 'AutoRescue-search_flights', 'AutoRescue-Analyze'], 'AutoRescue-');
    expect([...keys.values()]).toEqual(['search-flights', 'search-flights-2', 'analyze']);
    expect(appFromPrefix('autorescue-')).toBe('autorescue');
    expect(appFromPrefix('AutoRescue-')).toBe('auto-rescue');
    expect(appFromPrefix(undefined)).toBeUndefined();
  });

  it("writes handlers in ops's form: the module keeps its name in the function's directory", () => {
    expect(handlerPlace('search-flights', 'python', 'lambda_function.lambda_handler')).toEqual({
      dir: 'src/functions/search_flights',
      handler: 'src/functions/search_flights/lambda_function.lambda_handler',
    });
    expect(handlerPlace('jobs', 'python', 'app.main.handler')).toEqual({
      dir: 'src/functions/jobs',
      handler: 'src/functions/jobs/app/main.handler',
      root: 'src/functions/jobs',
    });
    expect(handlerPlace('notify', 'node', 'index.handler').handler).toBe('src/functions/notify/index.handler');
  });

  it('knows secret-looking variable names, integration targets and Lambda code objects', () => {
    expect(['AMADEUS_CLIENT_SECRET', 'API_KEY', 'GITHUB_TOKEN', 'DB_PASSWORD'].every(looksSecret)).toBe(true);
    expect(['AMADEUS_BASE_URL', 'TABLE_NAME'].some(looksSecret)).toBe(false);
    expect(integrationFunction('arn:aws:lambda:us-east-1:1:function:autorescue-a')).toBe('autorescue-a');
    expect(
      integrationFunction(
        'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:x-y:live/invocations',
      ),
    ).toBe('x-y');
    expect(
      s3ObjectOf('https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/snapshots/1/fn-abc?versionId=x&X-Amz-Signature=y'),
    ).toEqual({
      bucket: 'awslambda-us-east-1-tasks',
      key: 'snapshots/1/fn-abc',
    });
    expect(s3ObjectOf('https://example.com/code.zip')).toBeUndefined();
  });
});

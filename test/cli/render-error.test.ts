import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { toUserError } from '../../src/aws/errors.js';
import { renderError } from '../../src/cli/render-error.js';

const render = (err: unknown) => renderError(err, { debug: false, color: new Chalk({ level: 0 }) });
const sdkError = (name: string, status: number, message: string) => {
  const e = Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
  // What the client middleware (src/aws/clients.ts) tags every failed call with.
  Object.defineProperty(e, '$opsOperation', { value: 'lambda.CreateFunction', enumerable: false });
  return e;
};

describe('renderError: "internal error … please report it" only for bugs in ops', () => {
  it('a bug in ops: internal error and the report hint', () => {
    expect(render(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(
      "internal error: Cannot read properties of undefined (reading 'x')\n  hint: run again with --debug for the stack trace, and please report it\n",
    );
  });

  it('AWS refusing a call (4xx) says so in AWS words, with the operation', () => {
    const out = render(sdkError('InvalidParameterValueException', 400, 'Unzipped size must be smaller than 262144000 bytes'));
    expect(out).toBe(
      'error: AWS refused lambda.CreateFunction (HTTP 400 InvalidParameterValueException): Unzipped size must be smaller than 262144000 bytes\n' +
        '  hint: fix what AWS names (in the config or the account) and run again; --debug shows every AWS call\n',
    );
  });

  it('AWS failing (5xx after the retries) names the operation and says to retry', () => {
    const out = render(toUserError(sdkError('ServiceException', 503, 'Service unavailable')));
    expect(out).toBe(
      'error: AWS failed: lambda.CreateFunction answered HTTP 503 (ServiceException: Service unavailable)\n' +
        '  hint: a failure on the AWS side, not in ops or your config: run the command again in a moment\n',
    );
    expect(out).not.toMatch(/internal error|please report/);
  });
});

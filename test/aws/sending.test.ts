import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { awsFor } from './helpers.js';

const emu = useEmulator();

// A deploy waits for `aws.sending()` after starting its read, so that the read's calls are on their way
// before the preflight and the build check (mostly synchronous) take the main thread (src/apply/deploy.ts).
describe('aws.sending()', () => {
  it('settles once the clients asked for are built and the calls made with them have reached the HTTP handler', async () => {
    const aws = awsFor(emu.env);
    const handed: string[] = [];
    const mark =
      (name: string) =>
      <C extends { middlewareStack: { add: (...a: any[]) => void } }>(client: C): C => {
        // Last before the HTTP handler: the request is signed and handed over.
        client.middlewareStack.add(
          (next: (args: unknown) => unknown) => (args: unknown) => {
            handed.push(name);
            return next(args);
          },
          { step: 'deserialize', priority: 'low', name: 'testHanded' },
        );
        return client;
      };
    const calls = [
      aws
        .lambda()
        .then(mark('lambda'))
        .then((c) => c.listFunctions({})),
      aws
        .iam()
        .then(mark('iam'))
        .then((c) => c.listRoles({})),
    ];
    await aws.sending();
    expect(handed.sort()).toEqual(['iam', 'lambda']);
    await Promise.all(calls);
    aws.destroy();
  });
});

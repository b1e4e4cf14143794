import { Client } from '@smithy/core/client';
import { vi } from 'vitest';

/** One SDK call as ops built it: the client (`LambdaClient`), the command (`CreateFunction`) and its input. */
export interface RecordedCall {
  client: string;
  command: string;
  input: Record<string, any>;
}

/**
 * Records every command any AWS SDK v3 client in this process sends (ops's aggregated clients all
 * send through `Client.prototype.send`), then sends it as usual. Restored by `stop()`.
 */
export function recordSdkCalls(): { calls: RecordedCall[]; stop(): void } {
  const calls: RecordedCall[] = [];
  const send = Client.prototype.send;
  const spy = vi.spyOn(Client.prototype, 'send').mockImplementation(function (this: Client<any, any, any, any>, ...args: any[]) {
    const command = args[0] as { input?: Record<string, any>; constructor: { name: string } };
    calls.push({
      client: (this.constructor as { name: string }).name.replace(/^(.*?)(Client)?$/, '$1Client'),
      command: command.constructor.name.replace(/Command$/, ''),
      input: command.input ?? {},
    });
    return (send as (...a: any[]) => any).apply(this, args);
  });
  return { calls, stop: () => spy.mockRestore() };
}

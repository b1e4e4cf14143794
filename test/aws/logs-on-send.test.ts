import { CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { filterLogEvents } from '../../src/aws/logs-read.js';
import { useEmulator } from '../support/emulator.js';
import { faults } from '../support/fault-proxy.js';
import { awsFor, unique } from './helpers.js';

const emu = useEmulator();

// `ops logs tail` loads the config once its early read is handed to the HTTP handler (src/logs/command.ts):
// the signal must come before the request reaches AWS, once per attempt, and leave the read itself as it was.
describe('filterLogEvents onSend', () => {
  it('is called before each attempt reaches the endpoint, and the page is read as without it', async () => {
    const proxy = await emu.proxy();
    const aws = awsFor(proxy.env);
    const logs = await aws.logs();
    const group = `/aws/lambda/${unique()}-dev-api`;
    await logs.createLogGroup({ logGroupName: group });
    // Commands ops never sends are not on its slim client: sent as commands (they stay out of dist/).
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
    const now = Date.now();
    await logs.send(
      new PutLogEventsCommand({ logGroupName: group, logStreamName: 's', logEvents: [{ timestamp: now - 1_000, message: 'hello\n' }] }),
    );

    // The first attempt is throttled: the SDK sends a second one.
    const fault = proxy.addFault({
      match: { operation: 'FilterLogEvents' },
      times: 1,
      respond: faults.throttling({ retryAfterSeconds: 0 }),
    });
    const seenAtSend: number[] = [];
    const page = await filterLogEvents(aws, { group, startTime: now - 60_000, endTime: now }, undefined, {
      onSend: () => seenAtSend.push(fault.hits),
    });
    // Each call came before its attempt arrived: none had arrived at the first, one (the throttled) at the second.
    expect(seenAtSend).toEqual([0, 1]);
    expect(page?.events.map((e) => e.message)).toEqual(['hello\n']);
    aws.destroy();
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useEmulator } from '../support/emulator.js';
import { LogWriter, records, startCli, tinyFleet, uniqueApp } from './support.js';

const emu = useEmulator();
const writer = new LogWriter(emu.clientConfig);
afterAll(() => writer.destroy());

const RID = (n: number) => `${n}0c0ffee-1111-2222-3333-444455556666`;
const nodeLine = (t: number, rid: string, level: string, message: string) => `${new Date(t).toISOString()}\t${rid}\t${level}\t${message}\n`;

/** One invocation as Lambda logs it: START, lines, END, REPORT (cold with an Init Duration). */
function invocation(t: number, rid: string, lines: string[], cold = false) {
  return [
    { timestamp: t, message: `START RequestId: ${rid} Version: $LATEST\n` },
    ...lines.map((line, i) => ({ timestamp: t + 1 + i, message: nodeLine(t + 1 + i, rid, 'INFO', line) })),
    { timestamp: t + 10, message: `END RequestId: ${rid}\n` },
    {
      timestamp: t + 10,
      message: `REPORT RequestId: ${rid}\tDuration: 9.50 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t${cold ? 'Init Duration: 180.25 ms\t' : ''}\n`,
    },
  ];
}

async function fleetWithLogs() {
  const app = uniqueApp();
  const cwd = await tinyFleet(app);
  const group = (fn: string) => `/aws/lambda/${app}-dev-${fn}`;
  const t = Date.now() - 60_000;
  // Two streams for the api (two instances), one for the worker; cron never ran.
  await writer.put(group('api'), invocation(t, RID(1), ['api one'], true), '2026/01/01/[$LATEST]aaa');
  await writer.put(group('api'), invocation(t + 40, RID(3), ['api three']), '2026/01/01/[$LATEST]bbb');
  await writer.put(group('worker'), invocation(t + 20, RID(2), ['worker two'], true));
  await writer.put(group('worker'), [{ timestamp: t + 60, message: nodeLine(t + 60, RID(4), 'ERROR', 'worker failed: ERROR boom') }]);
  return { app, cwd, group, t };
}

describe('ops logs tail against the emulator', () => {
  it('interleaves the groups in time order, each line prefixed with its function; REPORT summarised', async () => {
    const { cwd } = await fleetWithLogs();
    const r = await runCli(['logs', 'tail', '--format', 'text', '--utc'], { cwd, env: emu.env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // A window that crosses midnight shows the date too (MM-DD): the events are from the last ten minutes.
    const stamp = /^(\d\d-\d\d )?\d\d:\d\d:\d\d\.\d{3} /;
    expect(lines.map((l) => l.replace(stamp, ''))).toEqual([
      'api    10c0ffee INFO  api one',
      'api    10c0ffee DONE  9.5 ms (billed 10 ms) · 64/128 MB · cold start init 180 ms',
      'worker 20c0ffee INFO  worker two',
      'worker 20c0ffee DONE  9.5 ms (billed 10 ms) · 64/128 MB · cold start init 180 ms',
      'api    30c0ffee INFO  api three',
      'api    30c0ffee DONE  9.5 ms (billed 10 ms) · 64/128 MB',
      'worker 40c0ffee ERROR worker failed: ERROR boom',
    ]);
    // Timestamps never go backwards.
    const times = lines.map((l) => l.match(stamp)?.[0]);
    expect([...times].sort()).toEqual(times);
    expect(r.stderr).toContain('no log group for cron yet (the function has not run); skipped');
  });

  it('prints JSON lines when stdout is not a terminal, with what was understood of each event', async () => {
    const { cwd, app } = await fleetWithLogs();
    const r = await runCli(['logs', 'tail', 'worker'], { cwd, env: emu.env });
    expect(r.code).toBe(0);
    const recs = records(r.stdout);
    expect(recs.map((x) => x.kind)).toEqual(['start', 'log', 'end', 'report', 'log']);
    expect(recs.every((x) => x.function === 'worker' && x.functionName === `${app}-dev-worker`)).toBe(true);
    expect(recs[3]).toMatchObject({ coldStart: true, report: { durationMs: 9.5, billedMs: 10, initDurationMs: 180.25 } });
    expect(recs[4]).toMatchObject({ level: 'ERROR', requestId: RID(4), message: 'worker failed: ERROR boom' });
    expect(r.stderr).toBe('');
  });

  it('--since leaves out older events, --filter keeps the matching ones', async () => {
    const { cwd, group } = await fleetWithLogs();
    const now = Date.now();
    await writer.put(group('cron'), [
      { timestamp: now - 10 * 60_000, message: 'ten minutes ago' },
      { timestamp: now - 30_000, message: 'half a minute ago' },
    ]);
    const since = await runCli(['logs', 'tail', 'cron', '--since', '2m'], { cwd, env: emu.env });
    expect(records(since.stdout).map((x) => x.message)).toEqual(['half a minute ago']);
    const all = await runCli(['logs', 'tail', 'cron', '--since', '15m'], { cwd, env: emu.env });
    expect(records(all.stdout).map((x) => x.message)).toEqual(['ten minutes ago', 'half a minute ago']);

    const filtered = await runCli(['logs', 'tail', '--filter', 'ERROR'], { cwd, env: emu.env });
    expect(filtered.code).toBe(0);
    expect(records(filtered.stdout).map((x) => [x.function, x.message])).toEqual([['worker', 'worker failed: ERROR boom']]);
    expect(filtered.stderr).not.toContain('no log events');
  });

  it('a tail that finds nothing says so on stderr, naming the window and the groups, and exits 0', async () => {
    const { cwd } = await fleetWithLogs();
    const r = await runCli(['logs', 'tail', 'cron', '--since', '5m'], { cwd, env: emu.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no log events since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(5 min ago\) in 1 log group; try a longer --since/);
    const none = await runCli(['logs', 'tail', '--filter', 'NOTHING-MATCHES'], { cwd, env: emu.env });
    expect(none.stderr).toMatch(/no log events since .* in 3 log groups matching "NOTHING-MATCHES"/);
  });

  it('--follow falls back to polling (said once), prints new events within two intervals, never twice; Ctrl-C exits 0', async () => {
    const { cwd, group } = await fleetWithLogs();
    // --debug names every AWS call on stderr: "within two intervals" is counted in polls, not in milliseconds
    // (a loaded machine fires timers late, and the test is about the poller, not about timers).
    const cli = startCli(['logs', 'tail', '--follow', '--poll-interval', '1s', '--format', 'json', '--debug'], { cwd, env: emu.env });
    await cli.until(({ stderr }) => stderr.includes('polling every'));
    expect(cli.stdout()).toBe(''); // without --since, only what comes next

    const polls = () => (cli.stderr().match(/aws logs\.FilterLogEvents /g) ?? []).length;
    /** FilterLogEvents calls answered between the put and the message printed. */
    const seen = async (message: string) => {
      const before = polls();
      await cli.until(({ stdout }) => stdout.includes(message), 20_000);
      return polls() - before;
    };
    // Two intervals over the groups being read: a round in flight at the put (it may have read before it), then
    // the round that reads it. Two groups (api, worker) until cron's appears, then three.
    for (let round = 0; round < 3; round++) {
      const now = Date.now();
      await writer.put(group('api'), [{ timestamp: now, message: `api round ${round}` }], 'live-a');
      await writer.put(group('worker'), [{ timestamp: now + 1, message: `worker round ${round}` }], 'live-w');
      expect(await seen(`worker round ${round}`)).toBeLessThanOrEqual(2 * 2);
      expect(cli.stdout()).toContain(`api round ${round}`);
    }
    // cron's group appears while following.
    await writer.put(group('cron'), [{ timestamp: Date.now(), message: 'cron ran at last' }]);
    expect(await seen('cron ran at last')).toBeLessThanOrEqual(2 * 3);
    // A few more turns: nothing may come twice.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    process.emit('SIGINT');
    expect(await cli.done).toBe(0);

    const messages = records(cli.stdout()).map((x) => x.message);
    expect(messages).toEqual([
      'api round 0',
      'worker round 0',
      'api round 1',
      'worker round 1',
      'api round 2',
      'worker round 2',
      'cron ran at last',
    ]);
    const stderr = cli.stderr();
    expect(stderr.match(/live tail not available here; polling every 1s/g)).toHaveLength(1);
    expect(stderr.match(/waiting for cron/g)).toHaveLength(1);
    expect(stderr).toContain('cron has logs now');
  });

  it('--follow --since prints the recent past first, then follows without repeating it', async () => {
    const { cwd, group } = await fleetWithLogs();
    const cli = startCli(
      ['logs', 'tail', 'worker', '-f', '--since', '5m', '--poll-interval', '500ms', '--no-live-tail', '--format', 'json'],
      {
        cwd,
        env: emu.env,
      },
    );
    await cli.until(({ stdout }) => stdout.includes('worker failed'));
    await writer.put(group('worker'), [{ timestamp: Date.now(), message: 'after start' }], 'live-w');
    await cli.until(({ stdout }) => stdout.includes('after start'));
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    process.emit('SIGINT');
    expect(await cli.done).toBe(0);
    expect(
      records(cli.stdout())
        .map((x) => x.kind === 'log' && x.message)
        .filter(Boolean),
    ).toEqual(['worker two', 'worker failed: ERROR boom', 'after start']);
    expect(cli.stderr()).not.toContain('live tail');
  });

  it('names an unknown function with a hint', async () => {
    const { cwd } = await fleetWithLogs();
    const r = await runCli(['logs', 'tail', 'wroker'], { cwd, env: emu.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("did you mean 'worker'?");
  });
});

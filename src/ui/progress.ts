import type { Context } from '../cli/context.js';
import { formatDuration } from './table.js';

/**
 * Progress of a multi-step run on stderr: one live line per item on a TTY (ora), plain
 * "item: step" lines otherwise, nothing with --json.
 */
export interface Progress {
  step(item: string, text: string): void;
  done(item: string, text: string): void;
  fail(item: string, text: string): void;
  /** A note that is not a step (waiting for IAM, retrying). */
  note(item: string, text: string): void;
  stop(): void;
}

export async function createProgress(ctx: Context, total: number): Promise<Progress> {
  const started = Date.now();
  const quiet = ctx.global.json;
  const c = ctx.color;
  if (quiet) return { step() {}, done() {}, fail() {}, note() {}, stop() {} };
  const plain = (s: string) => ctx.log.raw(s);
  if (!ctx.io.stderr.isTTY || ctx.env.CI) {
    // Plain lines: one per finished step (a line per start as well would double the noise in CI logs).
    return {
      step() {},
      done: (item, text) => plain(`${c.green('✔')} ${item}: ${text}`),
      fail: (item, text) => plain(`${c.red('✖')} ${item}: ${text}`),
      note: (item, text) => plain(`${c.yellow('…')} ${item}: ${text}`),
      stop() {},
    };
  }
  const { default: ora } = await import('ora');
  const current = new Map<string, string>();
  let finished = 0;
  const spinner = ora({ stream: ctx.io.stderr as NodeJS.WritableStream, text: 'starting' }).start();
  const render = () => {
    const active = [...current.entries()].slice(0, 6).map(([k, v]) => `${k}: ${v}`);
    spinner.text = `${finished}/${total} · ${formatDuration(Date.now() - started)}${active.length ? `\n  ${active.join('\n  ')}` : ''}`;
  };
  const above = (symbol: 'succeed' | 'fail' | 'warn', s: string) => {
    spinner.stopAndPersist({ symbol: symbol === 'succeed' ? c.green('✔') : symbol === 'fail' ? c.red('✖') : c.yellow('…'), text: s });
    spinner.start();
    render();
  };
  return {
    step(item, text) {
      current.set(item, text);
      render();
    },
    done(item, text) {
      current.delete(item);
      finished++;
      above('succeed', `${item}: ${text}`);
    },
    fail(item, text) {
      current.delete(item);
      finished++;
      above('fail', `${item}: ${text}`);
    },
    note(item, text) {
      above('warn', `${item}: ${text}`);
    },
    stop() {
      spinner.stop();
    },
  };
}

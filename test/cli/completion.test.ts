// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings here are bash text (${COMP_WORDS[...]}), not templates
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { fleetDir, repoRoot, uniqueApp } from '../deploy/fleet.js';
import { runCli } from '../support/cli.js';

const exec = promisify(execFile);

/** Whether a shell is installed here (zsh and fish often are not: their cases then say so and skip). */
async function has(shell: string): Promise<boolean> {
  return exec('sh', ['-c', `command -v ${shell}`]).then(
    () => true,
    () => false,
  );
}

const shells = { zsh: await has('zsh'), fish: await has('fish') };
const unlessMissing = (shell: 'zsh' | 'fish') => (shells[shell] ? '' : ` (skipped: ${shell} is not installed here)`);

/**
 * Shell completion (issue 18 item 5). The must-show: the script `ops completion bash` prints, sourced in a
 * real bash with COMP_WORDS/COMP_CWORD set as bash sets them on TAB, completes commands, the fleet's function
 * names and a function's samples, through the built `bin/ops` on PATH (npm test builds dist/ first).
 */
describe('ops completion', () => {
  let dir: string;
  let script: string;
  let pathDir: string;

  beforeAll(async () => {
    dir = await fleetDir(
      uniqueApp('cmp'),
      {
        'src/api/handler.ts': 'export const handler = async () => ({ statusCode: 200 });\n',
        'src/api/events/get-item.json': '{"rawPath":"/items/1"}\n',
        'src/api/events/list-items.json': '{"rawPath":"/items"}\n',
        'src/api/events/list-items.expect.json': '{"statusCode":200}\n',
        'src/worker/handler.ts': 'export const handler = async () => ({ done: true });\n',
      },
      `  params: { 'api/key': { secure: true }, 'db/url': {} },
  functions: {
    api: { handler: 'src/api/handler.ts', routes: ['GET /items'] },
    worker: { handler: 'src/worker/handler.ts' },
  },`,
    );
    const printed = await runCli(['completion', 'bash'], { cwd: dir });
    expect(printed.code, printed.stderr).toBe(0);
    script = path.join(dir, 'ops.bash');
    await writeFile(script, printed.stdout);
    // `ops` on PATH is the built CLI, as an installed package's bin would be.
    pathDir = await mkdtemp(path.join(tmpdir(), 'ops-bin-'));
    await writeFile(path.join(pathDir, 'ops'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, 'bin/ops')}" "$@"\n`);
    await chmod(path.join(pathDir, 'ops'), 0o755);
  });

  /** What bash offers on TAB after `words` (the last one being the word at the cursor, maybe empty). */
  async function bashTab(...words: string[]): Promise<string[]> {
    const body = [
      'source "$OPS_SCRIPT"',
      'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
      // bash calls the function named by `complete -F` with the command, the current and the previous word.
      'fn=$(complete -p ops | sed -n "s/.*-F \\([^ ]*\\) .*/\\1/p")',
      '"$fn" ops "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const r = await exec('bash', ['--norc', '--noprofile', '-c', body, 'bash', 'ops', ...words], {
      cwd: dir,
      env: { ...process.env, PATH: `${pathDir}:${process.env.PATH}`, OPS_SCRIPT: script, NO_COLOR: '1' },
    });
    return r.stdout.split('\n').filter(Boolean);
  }

  it('completes a command, the fleet function names and the samples of the function named, in a real bash', async () => {
    expect(await bashTab('inv')).toEqual(['invoke']);
    expect((await bashTab('invoke', '')).sort()).toEqual(['api', 'worker']);
    // Samples are `ops invoke --event <sample>` (events/ next to the handler); expectation files are not samples.
    expect(await bashTab('invoke', 'api', '--event', '')).toEqual(['get-item', 'list-items']);
    expect(await bashTab('invoke', 'api', '-e', 'l')).toEqual(['list-items']);
  });

  it('takes commands, subcommands and options from the commander program, hidden ones left out', async () => {
    const complete = async (...words: string[]) =>
      (await runCli(['__complete', '--', ...words], { cwd: dir })).stdout.split('\n').filter(Boolean);
    expect(await complete('params', 'u')).toEqual(['unset']);
    expect(await complete('deploy', '--str')).toEqual(['--strategy']);
    // A global option typed before the command still counts, and its value is not taken for a command.
    expect(await complete('--stage', 'prod', 'invoke', 'w')).toEqual(['worker']);
    // Every long option `ops deploy --help` shows is offered, and nothing else.
    const help = (await runCli(['deploy', '--help'], { cwd: dir })).stdout;
    const shown = [...new Set(help.match(/--[a-z][a-z-]*/g))].sort();
    expect((await complete('deploy', '--')).sort()).toEqual(shown);
    expect(await complete('__c')).toEqual([]);
    // The config's declared params for params set/get/unset, the shells for completion; a new function's name is new.
    expect(await complete('params', 'set', '')).toEqual(['api/key', 'db/url']);
    expect(await complete('--stage', 'prod', 'params', 'unset', 'd')).toEqual(['db/url']);
    expect(await complete('new', 'function', '')).toEqual([]);
    expect(await complete('completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect((await runCli(['--help'], { cwd: dir })).stdout).not.toContain('__complete');
  });

  it('prints zsh and fish scripts calling the hidden command, and refuses another shell', async () => {
    const zsh = await runCli(['completion', 'zsh'], { cwd: dir });
    expect(zsh.stdout).toMatch(/^#compdef ops\n/);
    expect(zsh.stdout).toContain('ops __complete --');
    const fish = await runCli(['completion', 'fish'], { cwd: dir });
    expect(fish.stdout).toContain("complete -c ops -f -a '(__ops_complete)'");
    expect(fish.stdout).toContain('ops __complete --');
    const other = await runCli(['completion', 'tcsh'], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('shells: bash, zsh, fish');
  });

  it.runIf(shells.zsh)(`zsh parses its script${unlessMissing('zsh')}`, async () => {
    const zsh = await runCli(['completion', 'zsh'], { cwd: dir });
    await exec('zsh', ['-n', '-c', zsh.stdout]);
  });

  it.runIf(shells.fish)(`fish parses its script${unlessMissing('fish')}`, async () => {
    const fish = await runCli(['completion', 'fish'], { cwd: dir });
    await exec('fish', ['--no-execute', '-c', fish.stdout]);
  });
});

import type { ChalkInstance } from 'chalk';
import type { FunctionUrlAuth } from '../config/function-url.js';
import type { Fleet } from '../config/types.js';
import type { Actual } from '../model/actual.js';

/** A function's Function URL as deploy and status print it. */
export interface FunctionUrlLine {
  /** The function's key in the config. */
  function: string;
  url: string;
  auth: FunctionUrlAuth;
}

/** The URLs the stage's functions have in AWS, in config order; only functions of this fleet. Pure. */
export function functionUrlsOf(fleet: Pick<Fleet, 'functions'>, actual: Pick<Actual, 'functions'>): FunctionUrlLine[] {
  return fleet.functions.flatMap((f) => {
    const url = actual.functions[f.name]?.url;
    return url ? [{ function: f.key, url: url.url, auth: url.auth }] : [];
  });
}

/** `URL  tasks-api  https://….on.aws/  public (auth NONE)`, one line per function; none when there are none. Pure. */
export function renderFunctionUrls(urls: readonly FunctionUrlLine[], c: ChalkInstance): string[] {
  const width = Math.max(0, ...urls.map((u) => u.function.length));
  return urls.map(
    (u) =>
      `URL: ${u.function.padEnd(width)}  ${c.cyan(u.url)}  ${u.auth === 'NONE' ? c.yellow('public (auth NONE)') : c.dim('AWS_IAM (signed requests)')}`,
  );
}

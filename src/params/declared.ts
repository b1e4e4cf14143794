import type { StoredParam } from '../aws/ssm.js';
import { didYouMean } from '../config/did-you-mean.js';
import { paramPath, upperSnake } from '../config/naming.js';
import type { Fleet } from '../config/types.js';
import { UsageError } from '../errors.js';
import { paramSetHint } from './check.js';

/** The config schema's rule for param names; a forced name also may not have `.` or `..` segments. */
const PARAM_NAME = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const validName = (name: string) => PARAM_NAME.test(name) && !name.split('/').some((s) => /^\.+$/.test(s));

/** A param a command acts on: declared in the config, or (with `--force`) not. */
export interface ParamTarget {
  name: string;
  /** Full SSM name: `/{app}/{stage}/{name}`, or the declared `path`. */
  path: string;
  /** Shared by every stage (a declared path without `{stage}`): never deleted by ops. */
  shared?: boolean;
  secure: boolean;
  description?: string;
  declared: boolean;
  readers: string[];
}

/**
 * The declared param called `name`. An undeclared name is a usage error with a "did you mean"
 * unless `force`; forced, it is treated as secure (the safe default for a value nobody described).
 */
export function findParam(fleet: Fleet, name: string, opts: { force?: boolean } = {}): ParamTarget {
  const spec = fleet.params.find((p) => p.name === name);
  if (spec) return { ...spec, declared: true, readers: [...spec.readers] };
  if (!validName(name)) {
    throw new UsageError(`'${name}' is not a valid param name`, { hint: 'letters, digits, _ . - in segments separated by /' });
  }
  if (opts.force) return { name, path: paramPath(fleet.app, fleet.stage, name), secure: true, declared: false, readers: [] };
  throw undeclared(fleet, name);
}

function undeclared(fleet: Fleet, name: string): UsageError {
  const names = fleet.params.map((p) => p.name);
  const guess = didYouMean(name, names);
  const hint = guess
    ? `did you mean '${guess}'? (${paramSetHint(fleet, guess)})`
    : `${names.length ? `declared params: ${names.join(', ')}; ` : ''}declare it under params in the fleet config, or pass --force`;
  return new UsageError(`'${name}' is not a param of ${fleet.app}`, { hint });
}

/** What writing `value` would do to the parameter as it is now. */
export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/**
 * `unchanged` only when the stored value (read with decryption) is the same and so is the type:
 * a secure param stored as a plain String is rewritten as a SecureString.
 */
export function outcomeOf(current: StoredParam | undefined, value: string, secure: boolean): WriteOutcome {
  if (!current) return 'created';
  const type = secure ? 'SecureString' : 'String';
  return current.type === type && current.value === value ? 'unchanged' : 'updated';
}

/** One entry of a dotenv file, matched to a param. */
export interface ImportEntry {
  key: string;
  target: ParamTarget;
  value: string;
}

export interface ImportPlan {
  entries: ImportEntry[];
  /** Keys that name no declared param (skipped unless forced). */
  undeclared: { key: string; guess?: string }[];
  /** Keys with an empty value (SSM refuses them). */
  empty: string[];
}

/**
 * Matches dotenv keys to declared params: the param name (`amadeus/client-id`) or its UPPER_SNAKE
 * form (`AMADEUS_CLIENT_ID`). Two keys for the same param are a usage error. Pure.
 */
export function planImport(fleet: Fleet, values: Record<string, string>, opts: { force?: boolean } = {}): ImportPlan {
  const bySnake = new Map(fleet.params.map((p) => [upperSnake(p.name), p.name]));
  const plan: ImportPlan = { entries: [], undeclared: [], empty: [] };
  const keyOf = new Map<string, string>();
  for (const [key, value] of Object.entries(values)) {
    const declared = fleet.params.some((p) => p.name === key) ? key : bySnake.get(key);
    if (declared === undefined && !(opts.force && validName(key))) {
      plan.undeclared.push({ key, guess: didYouMean(key, [...fleet.params.map((p) => p.name), ...bySnake.keys()]) });
      continue;
    }
    const name = declared ?? key;
    const earlier = keyOf.get(name);
    if (earlier !== undefined) throw new UsageError(`'${earlier}' and '${key}' both set param ${name}`, { hint: 'keep one of them' });
    keyOf.set(name, key);
    if (value === '') plan.empty.push(key);
    else plan.entries.push({ key, target: findParam(fleet, name, { force: true }), value });
  }
  return plan;
}

/**
 * The decision at each look during a shift: go on, or move everything back. Pure: the signals are read
 * elsewhere (src/apply/shift-gate.ts) and passed in, so the rules are tested without a clock or AWS.
 */

/** What one look read, over the shift so far: the new version's metrics on `live`, and the declared alarms. */
export interface ShiftSignals {
  /** Sums of the new version's `Errors`, `Throttles` and `Invocations` (dimension ExecutedVersion on `<fn>:live`). */
  errors: number;
  throttles: number;
  invocations: number;
  /** Names of the declared alarms now in ALARM. */
  alarmsInAlarm: string[];
  /** p99 `Duration` (ms) of the new and the old version, when thresholds ask for it and CloudWatch has it. */
  p99New?: number;
  p99Old?: number;
}

/** `deploy.thresholds`: what counts as a breach. Errors and throttles of the new version count from 1 by default. */
export interface ShiftThresholds {
  /** Most errors of the new version allowed (default 0). */
  errors?: number;
  /** Most throttles of the new version allowed (default 0). */
  throttles?: number;
  /** Most errors per 100 invocations of the new version; when set, it replaces the count. */
  errorRatePercent?: number;
  /** Most p99 duration of the new version as a multiple of the old one's (1.5: 50 % slower at most). */
  p99DurationRatio?: number;
}

/** Why a shift stopped: the signal and its figures, for the one line the user reads. */
export interface Breach {
  signal: 'Errors' | 'ErrorRate' | 'Throttles' | 'Alarm' | 'p99Duration' | 'Smoke';
  detail: string;
}

/** The first breached signal, or undefined to go on. Alarms first: they are what the user declared. */
export function decide(s: ShiftSignals, t: ShiftThresholds = {}): Breach | undefined {
  if (s.alarmsInAlarm.length) return { signal: 'Alarm', detail: `alarm ${s.alarmsInAlarm.join(', ')} in ALARM` };
  if (t.errorRatePercent !== undefined) {
    const rate = s.invocations > 0 ? (100 * s.errors) / s.invocations : s.errors > 0 ? 100 : 0;
    if (rate > t.errorRatePercent) {
      return { signal: 'ErrorRate', detail: `error rate ${round(rate)}% (${s.errors} of ${s.invocations}) > ${t.errorRatePercent}%` };
    }
  } else if (s.errors > (t.errors ?? 0)) {
    return { signal: 'Errors', detail: `${s.errors} error${s.errors === 1 ? '' : 's'} of the new version (allowed ${t.errors ?? 0})` };
  }
  if (s.throttles > (t.throttles ?? 0)) {
    return {
      signal: 'Throttles',
      detail: `${s.throttles} throttle${s.throttles === 1 ? '' : 's'} of the new version (allowed ${t.throttles ?? 0})`,
    };
  }
  const ratio = t.p99DurationRatio;
  if (ratio !== undefined && s.p99New !== undefined && s.p99Old !== undefined && s.p99Old > 0 && s.p99New > ratio * s.p99Old) {
    return { signal: 'p99Duration', detail: `p99 ${round(s.p99New)} ms > ${ratio} × ${round(s.p99Old)} ms of the old version` };
  }
  return undefined;
}

const round = (n: number) => Math.round(n * 10) / 10;

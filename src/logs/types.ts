/** One log event, whichever API delivered it (FilterLogEvents or Live Tail). */
export interface TailEvent {
  /** Log group name (`/aws/lambda/app-dev-api`). */
  group: string;
  stream: string;
  /** Epoch ms the function logged it at. */
  timestamp: number;
  message: string;
  /** FilterLogEvents' eventId (unique within the group); Live Tail events have none. */
  id?: string;
  ingestionTime?: number;
}

/** Which function a log group belongs to, for prefixes and `--json`. */
export interface GroupLabel {
  /** The function's key in the config (`tasks-api`): the line prefix. */
  key: string;
  /** Physical Lambda name (an API's name for its access log group). */
  name: string;
  /** An API's access log group (`ops logs tail --api`): its lines are API Gateway access lines. */
  api?: true;
}

/** Orders by time, then group and stream, keeping arrival order otherwise (lines of one invocation stay together). */
export function byTime(a: TailEvent, b: TailEvent): number {
  return (
    a.timestamp - b.timestamp ||
    (a.group < b.group ? -1 : a.group > b.group ? 1 : 0) ||
    (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0)
  );
}

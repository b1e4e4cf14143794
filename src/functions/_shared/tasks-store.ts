import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { fromItem, toAttr, toItem } from './dynamo-codec.js';

/**
 * The tasks table shared by `tasks-api` and `tasks-worker` (seed 004's `dynamodb_helpers`):
 * partition key `id` (S), one item per task, status pending → processing → completed | error.
 */

/**
 * The table's name: the fleet declares it (`resources: { tasks: { type: 'table' } }`) and each function that
 * `uses` it gets the name in `TASKS_TABLE` (resourceEnvName in src/config/naming.ts).
 */
export function tasksTable(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.TASKS_TABLE;
  if (!name) throw new Error("TASKS_TABLE is not set (the function needs uses: { tasks: 'readwrite' })");
  return name;
}

export type TaskStatus = 'pending' | 'processing' | 'completed' | 'error';

/** One line of a task's timeline. */
export interface TaskEvent {
  ts: string;
  message: string;
  type: 'info' | 'success' | 'error';
}

export interface Task {
  id: string;
  description: string;
  status: TaskStatus;
  events: TaskEvent[];
  created_at: string;
  updated_at: string;
  /** Set by the worker on completion. */
  result?: unknown;
  summary?: string;
  /** Set when status is `error`. */
  error_message?: string;
}

let client: DynamoDBClient | undefined;
// Built on first use so region and AWS_ENDPOINT_URL come from the environment of that moment.
const dynamo = () => (client ??= new DynamoDBClient({}));

export const taskEvent = (message: string, type: TaskEvent['type'] = 'info', ts = new Date().toISOString()): TaskEvent => ({
  ts,
  message,
  type,
});

/** Stores a new task; refuses to overwrite an existing id. */
export async function putNewTask(table: string, task: Task): Promise<void> {
  await dynamo().send(
    new PutItemCommand({
      TableName: table,
      Item: toItem({ ...task }),
      ConditionExpression: 'attribute_not_exists(id)',
    }),
  );
}

export async function getTask(table: string, id: string): Promise<Task | undefined> {
  const res = await dynamo().send(new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }));
  return res.Item ? (fromItem(res.Item) as unknown as Task) : undefined;
}

/** Every task, newest first. A scan: fine for a task list of this size, a GSI on created_at beyond it. */
export async function listTasks(table: string): Promise<Task[]> {
  const tasks: Task[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo().send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) tasks.push(fromItem(item) as unknown as Task);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return tasks.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
}

export interface TransitionOptions {
  status?: TaskStatus;
  /** Appended to the timeline. */
  events?: TaskEvent[];
  /** Other attributes to set (`result`, `summary`, `error_message`). */
  set?: Partial<Pick<Task, 'result' | 'summary' | 'error_message'>>;
  /** Attributes to remove (`error_message` of an earlier failed run). */
  remove?: Array<'result' | 'summary' | 'error_message'>;
  /** Only when the current status is one of these. */
  onlyFrom?: TaskStatus[];
}

/**
 * Updates an existing task atomically and returns it as stored afterwards;
 * `undefined` when the task is missing or `onlyFrom` did not match.
 */
export async function updateTask(table: string, id: string, opts: TransitionOptions): Promise<Task | undefined> {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = { ':now': { S: new Date().toISOString() } };
  const sets = ['updated_at = :now'];
  if (opts.status) {
    names['#status'] = 'status';
    values[':status'] = { S: opts.status };
    sets.push('#status = :status');
  }
  if (opts.events?.length) {
    values[':events'] = toAttr(opts.events);
    values[':empty'] = { L: [] };
    sets.push('events = list_append(if_not_exists(events, :empty), :events)');
  }
  for (const [k, v] of Object.entries(opts.set ?? {})) {
    if (v === undefined) continue;
    names[`#${k}`] = k;
    values[`:${k}`] = toAttr(v);
    sets.push(`#${k} = :${k}`);
  }
  const removes = (opts.remove ?? []).map((k) => {
    names[`#${k}`] = k;
    return `#${k}`;
  });
  let condition = 'attribute_exists(id)';
  if (opts.onlyFrom?.length) {
    names['#status'] = 'status';
    const from = opts.onlyFrom.map((s, i) => {
      values[`:from${i}`] = { S: s };
      return `:from${i}`;
    });
    condition += ` AND #status IN (${from.join(', ')})`;
  }
  try {
    const res = await dynamo().send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: { S: id } },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return res.Attributes ? (fromItem(res.Attributes) as unknown as Task) : undefined;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw err;
  }
}

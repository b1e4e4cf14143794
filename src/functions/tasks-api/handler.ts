import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { errorJson, HttpError, type HttpResult, json, jsonBody, methodOf } from '../_shared/http.js';
import { getTask, listTasks, putNewTask, type Task, taskEvent, tasksTable, updateTask } from '../_shared/tasks-store.js';

/**
 * HTTP API (payload 2.0) for tasks, seed 004's API Lambda:
 *   POST /tasks       create a task, start `tasks-worker` asynchronously, 202
 *   GET  /tasks       list tasks, newest first (`?limit=`, default 100)
 *   GET  /tasks/{id}  one task, for polling
 * Table name: `TASKS_TABLE` (the fleet's `tasks` table, by `uses`). Worker: env `TASKS_WORKER_FUNCTION_NAME` (set by `invokes`).
 */

export const MAX_DESCRIPTION_LENGTH = 2000;
const DEFAULT_LIST_LIMIT = 100;

let lambdaClient: LambdaClient | undefined;
const lambda = () => (lambdaClient ??= new LambdaClient({}));

export async function handler(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  try {
    const route = routeOf(event);
    switch (route.key) {
      case 'POST /tasks':
        return await createTask(event);
      case 'GET /tasks':
        return await listAll(event);
      case 'GET /tasks/{id}':
        return await getOne(route.id ?? '');
      default:
        return errorJson(404, `no route for ${methodOf(event)} ${event.rawPath ?? ''}`.trimEnd());
    }
  } catch (err) {
    if (err instanceof HttpError) return errorJson(err.statusCode, err.message);
    console.error('tasks-api: unhandled error', err);
    return errorJson(500, 'internal error', { requestId: event.requestContext?.requestId });
  }
}

/** The route: API Gateway's routeKey, or matched from method and path when the route is `$default`. */
export function routeOf(event: APIGatewayProxyEventV2): { key: string; id?: string } {
  const id = event.pathParameters?.id;
  if (event.routeKey && event.routeKey !== '$default') return { key: event.routeKey, id };
  const m = /^(?:\/[^/]+)?\/tasks(?:\/([^/]+))?\/?$/.exec(event.rawPath ?? '');
  if (!m) return { key: 'none' };
  const method = methodOf(event);
  return m[1] ? { key: `${method} /tasks/{id}`, id: decodeURIComponent(m[1]) } : { key: `${method} /tasks` };
}

/** The description from a create request, or a 400. */
export function parseCreateRequest(body: unknown): { description: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'request body must be a JSON object like {"description": "..."}');
  }
  const description = (body as Record<string, unknown>).description;
  if (typeof description !== 'string' || description.trim() === '') {
    throw new HttpError(400, 'description is required (a non-empty string)');
  }
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw new HttpError(400, `description must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  return { description: description.trim() };
}

async function createTask(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const { description } = parseCreateRequest(jsonBody(event));
  const worker = process.env.TASKS_WORKER_FUNCTION_NAME;
  if (!worker) throw new Error('TASKS_WORKER_FUNCTION_NAME is not set (declare invokes: ["tasks-worker"])');
  const table = tasksTable();

  const now = new Date().toISOString();
  const task: Task = {
    id: randomUUID(),
    description,
    status: 'pending',
    events: [taskEvent('Task created', 'info', now)],
    created_at: now,
    updated_at: now,
  };
  await putNewTask(table, task);

  try {
    await lambda().send(
      new InvokeCommand({
        FunctionName: worker,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ taskId: task.id })),
      }),
    );
  } catch (err) {
    const message = `could not start the worker: ${(err as Error).message}`;
    console.error('tasks-api:', message);
    await updateTask(table, task.id, {
      status: 'error',
      set: { error_message: message },
      events: [taskEvent(message, 'error')],
      onlyFrom: ['pending'],
    });
    return errorJson(502, 'task created but processing could not be started', { id: task.id, status: 'error' });
  }
  return json(202, { id: task.id, status: 'pending', message: 'Task created and processing started' });
}

async function listAll(event: APIGatewayProxyEventV2): Promise<HttpResult> {
  const raw = event.queryStringParameters?.limit;
  const limit = raw === undefined ? DEFAULT_LIST_LIMIT : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new HttpError(400, 'limit must be a whole number 1..1000');
  const tasks = await listTasks(tasksTable());
  return json(200, tasks.slice(0, limit));
}

async function getOne(id: string): Promise<HttpResult> {
  if (!id) throw new HttpError(400, 'task id is missing');
  const task = await getTask(tasksTable(), id);
  return task ? json(200, task) : errorJson(404, 'task not found', { id });
}

import { getTask, type TaskStatus, taskEvent, tasksTable, updateTask } from '../_shared/tasks-store.js';
import { type Job, parseJob } from './job.js';
import { type Plan, planFor, summarize } from './plan.js';

/**
 * The async worker of seed 004, started by `tasks-api` with `{ "taskId": "..." }` (InvocationType Event).
 * Marks the task `processing`, reads the description into a job and a plan, then stores
 * `completed` with `result: { job, plan }` and a summary, or `error` with `error_message`.
 * Table name: `TASKS_TABLE` (the fleet's `tasks` table, by `uses`).
 */

export interface WorkerEvent {
  taskId?: string;
  /** Seed 004's spelling, accepted for direct invokes. */
  task_id?: string;
}

export interface WorkerResult {
  taskId: string;
  status: TaskStatus | 'missing';
  /** True when the task was already completed (a duplicate async delivery). */
  skipped?: boolean;
  summary?: string;
  error?: string;
}

export interface TaskResult {
  job: Job;
  plan: Plan;
}

export async function handler(event: WorkerEvent): Promise<WorkerResult> {
  const taskId = event?.taskId ?? event?.task_id;
  if (typeof taskId !== 'string' || taskId === '') throw new Error('expected an event like {"taskId": "..."}');
  const table = tasksTable();

  // Async events can arrive twice: only a task that is not completed yet is (re)processed.
  const task = await updateTask(table, taskId, {
    status: 'processing',
    events: [taskEvent('Worker started processing')],
    onlyFrom: ['pending', 'processing', 'error'],
  });
  if (!task) {
    const current = await getTask(table, taskId);
    if (!current) {
      console.warn(`tasks-worker: task ${taskId} not found in ${table}`);
      return { taskId, status: 'missing' };
    }
    return { taskId, status: current.status, skipped: true };
  }

  let result: TaskResult;
  try {
    const job = parseJob(task.description);
    result = { job, plan: planFor(job) };
  } catch (err) {
    const message = (err as Error).message;
    await updateTask(table, taskId, {
      status: 'error',
      set: { error_message: message },
      events: [taskEvent(`Processing failed: ${message}`, 'error')],
    });
    return { taskId, status: 'error', error: message };
  }

  const summary = summarize(result.job, result.plan);
  await updateTask(table, taskId, {
    status: 'completed',
    set: { result, summary },
    remove: ['error_message'],
    events: [taskEvent(`Parsed request: ${describeJob(result.job)}`), taskEvent(`Plan ready: ${summary}`, 'success')],
  });
  return { taskId, status: 'completed', summary };
}

export function describeJob(job: Job): string {
  const parts = [job.category ?? 'unknown service', job.city ? `in ${job.city}` : 'no location'];
  if (job.budget) parts.push(job.budget.text);
  parts.push(`urgency ${job.urgency}`);
  return parts.join(', ');
}

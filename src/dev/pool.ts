import type { LocalInvokeRequest, LocalInvokeResult, LocalWorkerOptions } from '../invoke/local/index.js';
import { LocalWorker } from '../invoke/local/index.js';

/**
 * The warm workers of one function under `ops dev`: like Lambda's execution environments, each
 * serves one request at a time and a new one starts when all are busy, up to `max`; requests past
 * that wait their turn. `replace()` switches to a rebuilt function: idle workers stop now, busy ones
 * when their request ends, and the next request starts on the new code.
 */
export class WorkerPool {
  private readonly idle: LocalWorker[] = [];
  private readonly waiting: { resolve(worker: LocalWorker): void; reject(error: unknown): void }[] = [];
  private readonly owned = new Set<LocalWorker>();
  private starting = 0;
  private generation = 0;
  private readonly generationOf = new Map<LocalWorker, number>();
  private closed = false;

  constructor(
    private options: LocalWorkerOptions,
    private readonly max: number,
  ) {}

  /** Workers running or starting. */
  get size(): number {
    return this.owned.size + this.starting;
  }

  /** Starts one worker ahead of the first request, so it is not a cold start. */
  async warm(): Promise<void> {
    if (this.size === 0) this.release(await this.start());
  }

  async invoke(request: LocalInvokeRequest): Promise<LocalInvokeResult> {
    const worker = await this.acquire();
    try {
      return await worker.invoke(request);
    } finally {
      this.release(worker);
    }
  }

  /** New code or environment: the next request runs on it. */
  replace(options: LocalWorkerOptions): void {
    this.options = options;
    this.generation++;
    for (const worker of this.idle.splice(0)) this.stop(worker);
  }

  /** Stops every worker; `force` kills those busy with a request instead of letting it finish. */
  async close(opts: { force?: boolean } = {}): Promise<void> {
    this.closed = true;
    await Promise.all([...this.owned].map((w) => w.close(opts).catch(() => undefined)));
    this.owned.clear();
    this.idle.length = 0;
  }

  private async acquire(): Promise<LocalWorker> {
    if (this.closed) throw new Error(`the workers of ${this.options.functionName} are stopped`);
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.size < this.max) return this.start();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private async start(): Promise<LocalWorker> {
    this.starting++;
    try {
      const worker = await LocalWorker.start(this.options);
      if (this.closed) {
        await worker.close({ force: true });
        throw new Error(`the workers of ${this.options.functionName} are stopped`);
      }
      this.owned.add(worker);
      this.generationOf.set(worker, this.generation);
      return worker;
    } finally {
      this.starting--;
    }
  }

  private release(worker: LocalWorker): void {
    if (this.closed || this.generationOf.get(worker) !== this.generation) {
      this.stop(worker);
      // A waiter queued behind the stopped worker gets a fresh one.
      const next = this.waiting.shift();
      if (next) this.acquire().then(next.resolve, next.reject);
      return;
    }
    const next = this.waiting.shift();
    if (next) next.resolve(worker);
    else this.idle.push(worker);
  }

  private stop(worker: LocalWorker): void {
    this.owned.delete(worker);
    this.generationOf.delete(worker);
    void worker.close().catch(() => undefined);
  }
}

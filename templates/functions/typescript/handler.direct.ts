/** What a caller sends: `ops invoke {{name}} --event <file>`, or the Lambda Invoke API from another function. */
export interface Input {
  name?: string;
}

/** {{name}}: invoked directly; returns a JSON-serialisable result to the caller. */
export async function handler(event: Input): Promise<{ message: string }> {
  return { message: `hello, ${event?.name ?? 'world'}` };
}

/** Local invokes: run a function's packaged zip in a child process with a Lambda-like runtime. */
export {
  type CodeDir,
  type PrepareCodeDirOptions,
  type PrepareLayersDirOptions,
  prepareCodeDir,
  prepareLayersDir,
  provideAwsSdk,
  sha256File,
} from './code-dir.js';
export { type Interpreter, resolveInterpreter } from './interpreter.js';
export { runtimeFile } from './runtime-file.js';
export type {
  LocalInvokeError,
  LocalInvokeRequest,
  LocalInvokeResult,
  LocalWorkerOptions,
} from './types.js';
export { invokeOnce, LocalWorker } from './worker.js';
export { extractZip, readCentralDirectory } from './zip.js';

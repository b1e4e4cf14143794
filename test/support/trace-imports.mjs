// Preloaded with `node --import` to record every module the CLI loads, so a test can
// prove that `ops --help` imports no AWS SDK, ora, inquirer or execa.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

const out = process.env.OPS_TRACE_IMPORTS_FILE;
if (out) {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => appendFileSync(out, `${url}\n`));
  port1.unref();
  register('./trace-imports-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
}

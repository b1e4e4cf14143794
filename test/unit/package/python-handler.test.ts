import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { buildFunction } from '../../../src/package/index.js';
import { pythonHandlerProblem, scanPythonModule } from '../../../src/package/python-handler.js';
import { pythonFunction } from './builders.js';
import { cleanupTmp, copyFixture } from './helpers.js';

const defines = (source: string, name = 'handler') => pythonHandlerProblem(source, name, 'app.py') === undefined;

describe('the Python handler function, checked without running the module', () => {
  it.each([
    ['def handler(event, context):\n    return 1\n'],
    ['async def handler(event, context):\n    return 1\n'],
    ['@wrap\ndef handler(event, context):\n    pass\n'],
    ['handler = make_handler()\n'],
    ['handler: Callable[[dict, object], dict] = make()\n'],
    ['a = handler = make()\n'],
    ['first, (handler, *rest) = parts()\n'],
    ['from .impl import handler\n'],
    ['from impl import (\n    other,\n    real as handler,\n)\n'],
    ['import impl as handler\n'],
    ['class handler:\n    pass\n'],
    ['try:\n    from fast import handler\nexcept ImportError:\n    def handler(e, c):\n        return 0\n'],
    ['if True:\n    def handler(e, c): return 0\n'],
    ['x = 1; handler = x\n'],
    ['value = (1 +\n  2)\nhandler = value\n'],
    ['from impl import *\n'],
    ['globals()["handler"] = make()\n'],
    ['def __getattr__(name):\n    return make(name)\n'],
  ])('found (or undecidable, so not reported): %j', (source) => {
    expect(defines(source)).toBe(true);
  });

  it.each([
    ['def handle(event, context):\n    return 1\n'],
    ['def outer():\n    def handler(e, c):\n        return 1\n    return handler\n'],
    ['class App:\n    handler = staticmethod(lambda e, c: 1)\n'],
    ['"""\ndef handler(event, context):\n"""\ndef main(e, c): pass\n'],
    ["# def handler(event, context):\nX = 'def handler(e, c):'\n"],
    ['if handler == 1:\n    pass\n'],
    ['print(handler=1)\n'],
    ['obj.handler = make()\n'],
    ['registry["handler"] = make()\n'],
    ['handler_v2 = make()\n'],
  ])('missing: %j', (source) => {
    expect(defines(source)).toBe(false);
  });

  it('lists the top-level functions and suggests the closest one', () => {
    const problem = pythonHandlerProblem(
      'import json\n\ndef lambda_handlr(event, context):\n    return _go(event)\n\ndef _go(e):\n    def inner(): pass\n    return e\n',
      'lambda_handler',
      'src/functions/x/lambda_function.py',
    );
    expect(problem?.message).toBe(
      'src/functions/x/lambda_function.py has no top-level function lambda_handler (it defines lambda_handlr, _go): Lambda would fail every invoke with Runtime.HandlerNotFound',
    );
    expect(problem?.hint).toContain('did you mean lambda_handlr?');
    expect(scanPythonModule('def a(): pass\nclass B:\n    def c(self): pass\n').functions).toEqual(['a']);
  });
});

describe('ops package / invoke --local: the build stops on a Python handler function that does not exist', () => {
  afterAll(cleanupTmp);

  it('names the file, the function and the functions it has', async () => {
    const root = await copyFixture('python-app');
    const fn = pythonFunction(root, { handler: { exportName: 'handle', lambdaHandler: 'lambda_function.handle' } });
    const err = await buildFunction(fn, { root, force: true, python: '/nonexistent/python3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      'analyze: src/functions/analyze/lambda_function.py has no top-level function handle (it defines lambda_handler): Lambda would fail every invoke with Runtime.HandlerNotFound',
    );
  });

  it('builds a module whose handler is bound by an import', async () => {
    const root = await copyFixture('python-app');
    const dir = path.join(root, 'src/functions/analyze');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'entry.py'), 'from helpers.text import shout as handler\n');
    const fn = pythonFunction(root, {
      handler: { exportName: 'handler', lambdaHandler: 'entry.handler', file: path.join(dir, 'entry.py') },
    });
    await expect(buildFunction(fn, { root, force: true, python: '/nonexistent/python3' })).resolves.toMatchObject({ key: 'analyze' });
  });
});

import { didYouMean } from '../config/did-you-mean.js';

/*
 * Whether a Python handler's function exists, read from the module's text alone (pure: no files, no
 * interpreter), so the build and the preflight can name a missing handler before Lambda would.
 */

/** What a Python module binds at its top level, read statically (the module is never run). */
export interface PythonModuleNames {
  /** Names bound outside any def or class: functions, classes, assignments, imports. */
  bound: Set<string>;
  /** The module's top-level `def`s, in order: what a handler could be. */
  functions: string[];
  /** True when names may be bound in ways a scan cannot see (`import *`, `globals()`, `global`, module `__getattr__`). */
  dynamic: boolean;
}

/**
 * Lambda imports the handler's module and looks the function up by name. A missing one is known
 * without running anything: the `def`, `class`, assignment or import that binds the name at module
 * level (also inside a top-level `if`/`try`) is in the text. When the module binds names
 * dynamically, the answer is "maybe", never a false alarm.
 */
export function pythonHandlerProblem(source: string, name: string, file: string): { message: string; hint: string } | undefined {
  const names = scanPythonModule(source);
  if (names.bound.has(name) || names.dynamic) return undefined;
  const guess = didYouMean(name, names.functions);
  const has = names.functions.length
    ? ` (it defines ${names.functions.slice(0, 6).join(', ')}${names.functions.length > 6 ? ', ...' : ''})`
    : '';
  return {
    message: `${file} has no top-level function ${name}${has}: Lambda would fail every invoke with Runtime.HandlerNotFound`,
    hint: guess
      ? `did you mean ${guess}? the part of the handler after the last dot names the function`
      : `define def ${name}(event, context): in ${file}, or name an existing function after the last dot of the handler`,
  };
}

/** Top-level bindings of a Python module, from its text: strings and comments masked, lines joined inside brackets. */
export function scanPythonModule(source: string): PythonModuleNames {
  const bound = new Set<string>();
  const functions: string[] = [];
  let dynamic = false;
  // Blocks opened by the lines so far: a def or class body is not module level.
  const blocks: { indent: number; scoped: boolean }[] = [];
  for (const line of logicalLines(source)) {
    const indent = line.length - line.trimStart().length;
    while (blocks.length && blocks[blocks.length - 1].indent >= indent) blocks.pop();
    const text = line.trim();
    if (/^global\b/.test(text) || /(^|[^\w.])(globals|exec|vars)\s*\(|\bsys\.modules\b/.test(text)) dynamic = true;
    const scoped = blocks.some((b) => b.scoped);
    if (!scoped) {
      for (const stmt of text.split(';')) {
        const bind = bindingsOf(stmt.trim());
        for (const n of bind.names) bound.add(n);
        if (bind.def) functions.push(bind.def);
        if (bind.star) dynamic = true;
      }
    }
    if (text.endsWith(':')) blocks.push({ indent, scoped: /^(async\s+)?def\s|^class\s/.test(text) });
  }
  if (bound.has('__getattr__')) dynamic = true;
  return { bound, functions, dynamic };
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';

/** Names one simple statement binds at its own level. */
function bindingsOf(stmt: string): { names: string[]; def?: string; star?: boolean } {
  const def = new RegExp(`^(?:async\\s+)?def\\s+(${IDENT})\\s*\\(`).exec(stmt);
  if (def) return { names: [def[1]], def: def[1] };
  const cls = new RegExp(`^class\\s+(${IDENT})`).exec(stmt);
  if (cls) return { names: [cls[1]] };
  const from = /^from\s+\S+\s+import\s+(.+)$/.exec(stmt);
  if (from) {
    const list = from[1].replace(/[()]/g, '');
    if (list.trim() === '*') return { names: [], star: true };
    return { names: importedNames(list, false) };
  }
  const imp = /^import\s+(.+)$/.exec(stmt);
  if (imp) return { names: importedNames(imp[1], true) };
  const loop = /^(?:async\s+)?for\s+(.+?)\s+in\s/.exec(stmt);
  if (loop) return { names: targetNames(loop[1]) };
  const withAs = /^(?:async\s+)?with\s/.test(stmt) ? [...stmt.matchAll(new RegExp(`\\bas\\s+(${IDENT})`, 'g'))].map((m) => m[1]) : [];
  if (withAs.length) return { names: withAs };
  const walrus = [...stmt.matchAll(new RegExp(`(${IDENT})\\s*:=`, 'g'))].map((m) => m[1]);
  return { names: [...walrus, ...assignedNames(stmt)] };
}

/** `a.b as c, d` → c, d (for `import a.b`, the name bound is `a`). */
function importedNames(list: string, dotted: boolean): string[] {
  return list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const as = /\bas\s+(\w+)$/.exec(part);
      if (as) return as[1];
      return dotted ? part.split('.')[0] : part;
    });
}

/** The targets of `a = b = value`, `x, (y, *z) = ...`, `name: T = value` (not `==`, keyword arguments or `+=`). */
function assignedNames(stmt: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < stmt.length; i++) {
    const c = stmt[i];
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === '=' && depth === 0 && stmt[i + 1] !== '=' && !'=!<>:+-*/%&|^@'.includes(stmt[i - 1] ?? '')) {
      parts.push(stmt.slice(start, i));
      start = i + 1;
    }
  }
  if (/^(lambda|if|elif|while|return|assert|print|yield|raise|del)\b/.test(stmt.trim())) return [];
  return parts.flatMap((target) => targetNames(withoutAnnotation(target)));
}

/** `name: Dict[str, int]` → `name`. */
function withoutAnnotation(target: string): string {
  let depth = 0;
  for (let i = 0; i < target.length; i++) {
    const c = target[i];
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ':' && depth === 0) return target.slice(0, i);
  }
  return target;
}

/** Plain names among assignment targets (attributes and subscripts bind no module name). */
function targetNames(target: string): string[] {
  return target
    .replace(/[()[\]]/g, ' ')
    .split(',')
    .map((t) => t.trim().replace(/^\*/, ''))
    .filter((t) => new RegExp(`^${IDENT}$`).test(t));
}

/**
 * The module's logical lines: string contents and comments blanked out, a line continued inside
 * brackets or after a backslash joined to the next, indentation kept.
 */
function logicalLines(source: string): string[] {
  const out: string[] = [];
  let line = '';
  let depth = 0;
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === '#') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = source.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      i += quote.length;
      while (i < n && !source.startsWith(quote, i)) {
        if (source[i] === '\\') i++;
        else if (!triple && source[i] === '\n') break; // an unterminated string: the line ends anyway
        i++;
      }
      i += quote.length;
      line += '""';
      continue;
    }
    if (c === '\\' && source[i + 1] === '\n') {
      line += ' ';
      i += 2;
      continue;
    }
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    if (c === '\n') {
      if (depth === 0) {
        if (line.trim()) out.push(line.replace(/\s+$/, ''));
        line = '';
      } else line += ' ';
    } else if (c !== '\r') line += c;
    i++;
  }
  if (line.trim()) out.push(line.replace(/\s+$/, ''));
  return out;
}

// Owns the Python parser: loading web-tree-sitter and the Python grammar wasm, and incremental re-parsing of edited text.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { Language as LanguageT, Parser as ParserT, Point, Tree } from 'web-tree-sitter';

// require(), not import: bundlers then pick the package's CommonJS build, which finds its files through __dirname;
// the ESM build relies on import.meta.url, which a CommonJS bundle (dist/*.js) does not have.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Edit, Language, Parser } = require('web-tree-sitter') as typeof import('web-tree-sitter');
type Language = LanguageT;
type Parser = ParserT;
import { err, ok, type Result } from '../result';

export interface ParserOptions {
  /** Folder holding web-tree-sitter.wasm and tree-sitter-python.wasm (the bundle copies both to dist/). */
  wasmDir?: string;
}

let loading: Promise<Result<Language>> | undefined;
let loadedLanguage: Language | undefined;

/** Finds the two wasm files: the given folder first, then the installed packages. */
export function locateWasm(options: ParserOptions = {}): { runtime: string; python: string } | undefined {
  const candidates: { runtime: string; python: string }[] = [];
  if (options.wasmDir) {
    candidates.push({ runtime: join(options.wasmDir, 'web-tree-sitter.wasm'), python: join(options.wasmDir, 'tree-sitter-python.wasm') });
  }
  try {
    // createRequire needs a file path; __filename exists in the CJS bundle, process.cwd() is the fallback under ESM/tsx.
    const base = typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js');
    const req = createRequire(base);
    candidates.push({
      runtime: join(dirname(req.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'),
      python: join(dirname(req.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'),
    });
  } catch {
    // packages absent (bundled install): only wasmDir can work
  }
  return candidates.find((c) => existsSync(c.runtime) && existsSync(c.python));
}

/** Loads the runtime and the grammar once per process; later calls share the result. */
export function loadPython(options: ParserOptions = {}): Promise<Result<Language>> {
  if (!loading) {
    loading = (async (): Promise<Result<Language>> => {
      const files = locateWasm(options);
      if (!files) return err('not-found', 'cannot find tree-sitter-python.wasm and web-tree-sitter.wasm (set wasmDir)');
      try {
        await Parser.init({ locateFile: () => files.runtime });
        const lang = await Language.load(files.python);
        // The runtime accepts grammars whose ABI lies in [MIN_COMPATIBLE_VERSION, LANGUAGE_VERSION]; Language.load throws otherwise.
        loadedLanguage = lang;
        return ok(lang);
      } catch (e) {
        loading = undefined;
        return err('unsupported', `cannot load the Python grammar ${files.python}: ${e instanceof Error ? e.message : String(e)}`);
      }
    })();
  }
  return loading;
}

/** The language when loadPython has completed, for synchronous callers. */
export function loadedPython(): Language | undefined {
  return loadedLanguage;
}

/** One text edit expressed the way tree-sitter wants it (UTF-16 indices, rows/columns). */
export interface TextChange {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: Point;
  oldEndPosition: Point;
  newEndPosition: Point;
}

function pointAt(text: string, index: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** The single edit turning `before` into `after` (common prefix and suffix removed); undefined when equal. */
export function diffText(before: string, after: string): TextChange | undefined {
  if (before === after) return undefined;
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return {
    startIndex: start,
    oldEndIndex: endBefore,
    newEndIndex: endAfter,
    startPosition: pointAt(before, start),
    oldEndPosition: pointAt(before, endBefore),
    newEndPosition: pointAt(after, endAfter),
  };
}

/** A parser for one document: keeps the previous tree so an edit re-parses only what changed. */
export class IncrementalParser {
  private readonly parser: Parser;
  private tree: Tree | undefined;
  private text = '';

  constructor(language: Language) {
    this.parser = new Parser();
    this.parser.setLanguage(language);
  }

  /** Parses `text`, reusing the last tree through the edit that separates the two texts. */
  update(text: string): { tree: Tree; change: TextChange | undefined } | undefined {
    const change = this.tree ? diffText(this.text, text) : undefined;
    if (this.tree && !change) return { tree: this.tree, change: undefined };
    let old: Tree | undefined;
    if (this.tree && change) {
      old = this.tree;
      old.edit(new Edit(change));
    }
    const tree = this.parser.parse(text, old ?? null);
    if (!tree) return undefined;
    old?.delete();
    this.tree = tree;
    this.text = text;
    return { tree, change };
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.parser.delete();
  }
}

/** Parses once, without keeping state (CLI use). */
export function parseOnce(language: Language, text: string): Tree | undefined {
  const parser = new Parser();
  parser.setLanguage(language);
  try {
    return parser.parse(text) ?? undefined;
  } finally {
    parser.delete();
  }
}

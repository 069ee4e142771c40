// Owns the sibling files a script imports (`from blocks import ConvBNReLU`, `from .layers import Stem`): resolved next
// to the script, contained to the workspace, parsed and analyzed once per content hash, their names bound in the script.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sep } from 'node:path';
import type { Language, Node } from 'web-tree-sitter';
import type { EvalContext } from './eval';
import { resolveOnnxPath } from './link';
import { kids } from './syntax';
import type { ClassInfo } from './values';

/** One analyzed sibling module: what it defines, in the context its code runs in. */
export interface SiblingModule {
  path: string;
  classes: Map<string, ClassInfo>;
  ctx: EvalContext;
}

export interface ImportOptions {
  /** The importing script on disk; without it nothing is resolved. */
  scriptPath?: string;
  /** Imports must resolve inside this folder (default: the script's folder). */
  workspaceRoot?: string;
  /** Analyzed siblings by content hash (shared across checks by a session; per check otherwise). */
  siblingCache?: Map<string, SiblingModule>;
  /** Files being analyzed up the import chain (cycles stop here). */
  importing?: Set<string>;
}

const MAX_IMPORT_DEPTH = 4;

/** `from X import a, b as c` statements whose module is a .py file next to the script (or a relative one). */
export function siblingImports(importNodes: Node[]): { module: string; names: { name: string; alias: string }[] }[] {
  const out: { module: string; names: { name: string; alias: string }[] }[] = [];
  for (const n of importNodes) {
    if (n.type !== 'import_from_statement') continue;
    const mod = n.childForFieldName('module_name')?.text;
    if (!mod || mod === '.' || /^(torch|torchvision|numpy|np|math|os|sys|collections|typing|functools|einops|timm)\b/.test(mod)) continue;
    const names: { name: string; alias: string }[] = [];
    for (const c of n.childrenForFieldName('name')) {
      if (c.type === 'dotted_name') names.push({ name: c.text, alias: c.text });
      else if (c.type === 'aliased_import') {
        const name = c.childForFieldName('name')?.text;
        const alias = c.childForFieldName('alias')?.text;
        if (name && alias) names.push({ name, alias });
      }
    }
    if (kids(n).some((c) => c.type === 'wildcard_import')) names.push({ name: '*', alias: '*' });
    if (names.length) out.push({ module: mod, names });
  }
  return out;
}

/** The file `from <module> import ...` names, relative to the script; undefined outside the workspace or missing. */
export function resolveSibling(scriptPath: string, module: string, workspaceRoot?: string): string | undefined {
  const dots = /^\.*/.exec(module)![0].length;
  const rest = module.slice(dots).split('.').filter(Boolean);
  const up = dots > 1 ? Array(dots - 1).fill('..') : [];
  for (const candidate of [[...up, ...rest].join(sep) + '.py', [...up, ...rest, '__init__.py'].join(sep)]) {
    if (rest.length === 0) continue;
    const p = resolveOnnxPath(scriptPath, candidate, workspaceRoot);
    if (p) return p;
  }
  return undefined;
}

/**
 * Analyzes each sibling the script imports from (cached by content hash) and returns what to bind: classes by local
 * name, and values (functions, constants) by local name. `analyze` is analyzeTree for the sibling's text.
 */
export function loadSiblings(
  language: Language | undefined,
  importNodes: Node[],
  options: ImportOptions,
  analyze: (text: string, options: ImportOptions) => { classes: Map<string, ClassInfo>; ctx: EvalContext } | undefined,
): { classes: Map<string, ClassInfo>; values: Map<string, { module: SiblingModule; name: string }>; resolved: Set<string> } {
  const classes = new Map<string, ClassInfo>();
  const values = new Map<string, { module: SiblingModule; name: string }>();
  const resolved = new Set<string>();
  const importing = options.importing ?? new Set<string>();
  if (!language || !options.scriptPath || importing.size >= MAX_IMPORT_DEPTH) return { classes, values, resolved };
  const cache = options.siblingCache ?? new Map<string, SiblingModule>();
  for (const imp of siblingImports(importNodes)) {
    const path = resolveSibling(options.scriptPath, imp.module, options.workspaceRoot);
    if (!path || importing.has(path) || path === options.scriptPath) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const hash = createHash('sha256').update(path).update('\0').update(text).digest('hex');
    let mod = cache.get(hash);
    if (!mod) {
      const r = analyze(text, { ...options, scriptPath: path, siblingCache: cache, importing: new Set([...importing, options.scriptPath]) });
      if (!r) continue;
      mod = { path, classes: r.classes, ctx: r.ctx };
      cache.set(hash, mod);
    }
    for (const { name, alias } of imp.names) {
      const names = name === '*' ? [...mod.classes.keys(), ...mod.ctx.functions.keys(), ...mod.ctx.globals.keys()].filter((x) => !x.startsWith('_')) : [name];
      for (const nm of names) {
        const local = name === '*' ? nm : alias;
        const cls = mod.classes.get(nm);
        if (cls) {
          cls.home = mod.ctx;
          classes.set(local, cls);
        } else if (mod.ctx.functions.has(nm) || mod.ctx.globals.has(nm)) values.set(local, { module: mod, name: nm });
        else continue;
        resolved.add(local);
      }
    }
  }
  return { classes, values, resolved };
}

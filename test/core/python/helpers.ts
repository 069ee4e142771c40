// Shared by the python tests: the loaded grammar and fixture access.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language } from 'web-tree-sitter';
import { loadPython } from '../../../src/core/python';
import type { TextEdit } from '../../../src/core/python/types';

export const SCRIPTS = join(__dirname, '..', '..', 'fixtures', 'scripts');

export function fixture(name: string): string {
  return readFileSync(join(SCRIPTS, name), 'utf8');
}

export async function python(): Promise<Language> {
  const r = await loadPython();
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Applies LSP-style edits (0-based line/character) to a text, last edit first. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (l: number, c: number) => lines.slice(0, l).reduce((a, x) => a + x.length + 1, 0) + c;
  const sorted = [...edits].sort((a, b) => offset(b.range.start.line, b.range.start.character) - offset(a.range.start.line, a.range.start.character));
  let out = text;
  for (const e of sorted) {
    const s = offset(e.range.start.line, e.range.start.character);
    const t = offset(e.range.end.line, e.range.end.character);
    out = out.slice(0, s) + e.newText + out.slice(t);
  }
  return out;
}

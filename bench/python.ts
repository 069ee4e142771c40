// Script diagnostics speed: a 2,000-line training script (the fixture scripts repeated with renamed classes and
// functions), timed for a full check (parse + analyze + diagnostics) and for the per-keystroke path of the
// language server (incremental re-parse after a one-character edit, then analyze + diagnostics). Target: < 150 ms.
//
//   node --import tsx bench/python.ts [--runs N]

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { Parser } from 'web-tree-sitter';
import { analyzeTree, loadPython, runChecks, resolveSettings, ScriptSession } from '../src/core/python';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 15);
const dir = join(__dirname, '..', 'test', 'fixtures', 'scripts');
const parts = ['cnn_classifier.py', 'kws_dscnn.py', 'resnet8_cifar.py', 'kws_lstm.py', 'nested_containers.py', 'torchvision_backbone.py'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Concatenates the fixtures, renaming every class and top-level function per copy, until `lines` lines. */
function bigScript(lines: number): string {
  const out: string[] = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', 'import torchvision', 'from collections import OrderedDict', ''];
  for (let copy = 0; out.length < lines; copy++) {
    for (const p of parts) {
      let text = readFileSync(join(dir, p), 'utf8').replace(/^(import|from) .*$/gm, '');
      const names = [...text.matchAll(/^(?:class|def) (\w+)/gm)].map((m) => m[1]!);
      for (const n of names) text = text.replace(new RegExp(`\\b${n}\\b`, 'g'), `${n}_${copy}`);
      text = text.replace(/^if __name__ == "__main__":/m, 'if True:');
      out.push(...text.split('\n'));
      if (out.length >= lines) break;
    }
  }
  return out.slice(0, lines).join('\n') + '\n';
}

async function main(): Promise<void> {
  const lang = await loadPython();
  if (!lang.ok) throw new Error(lang.error.message);
  const text = bigScript(2000);
  const lineCount = text.split('\n').length - 1;
  const settings = resolveSettings(undefined);

  const parser = new Parser();
  parser.setLanguage(lang.value);
  const parseMs: number[] = [];
  const fullMs: number[] = [];
  let diagnostics = 0;
  let modules = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const tree = parser.parse(text)!;
    const t1 = performance.now();
    const model = analyzeTree(tree);
    const d = runChecks({ text, model, settings });
    const t2 = performance.now();
    parseMs.push(t1 - t0);
    fullMs.push(t2 - t0);
    diagnostics = d.length;
    modules = model.modules.length;
    tree.delete();
  }

  // Keystrokes: alternate one character in a constructor argument near the middle of the file.
  const session = new ScriptSession(lang.value);
  session.update(text, { settings });
  const at = text.indexOf('nn.Linear(128, num_classes)', text.length / 2) + 'nn.Linear(12'.length;
  const editMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const edited = text.slice(0, at) + String(i % 10) + text.slice(at + 1);
    const t0 = performance.now();
    const r = session.update(edited, { settings });
    editMs.push(performance.now() - t0);
    if (!r || r.report.stale) throw new Error('edit produced no fresh result');
  }
  session.dispose();
  parser.delete();

  const rows = [
    ['full parse (tree-sitter)', parseMs],
    ['full check: parse + analyze + diagnostics', fullMs],
    ['keystroke: incremental re-parse + analyze + diagnostics', editMs],
  ] as const;
  // The machine is shared: the load average says how much the medians are inflated by other processes.
  console.log(`python script diagnostics: ${lineCount} lines, ${modules} module classes, ${diagnostics} diagnostics, ${runs} runs, load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`);
  for (const [label, xs] of rows) {
    const med = median(xs);
    const verdict = label.startsWith('keystroke') ? (med < 150 ? '  (target < 150 ms: met)' : '  (target < 150 ms: missed)') : '';
    console.log(`  ${label.padEnd(58)} median ${med.toFixed(1).padStart(7)} ms  min ${Math.min(...xs).toFixed(1).padStart(7)} ms${verdict}`);
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(2);
});

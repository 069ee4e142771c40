// Owns linking a training script to the .onnx it exports: path resolution inside the workspace, mapping each ONNX
// node to the module attribute that produced it, per-module sums, and (with a device) the on-device estimate.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { analyzeModelFile, type Analysis } from '../analyze';
import type { DeviceProfile } from '../devices';
import { estimate, estimateInputOf, type Estimate } from '../estimate';
import type { ModSpec } from './values';

/** What one module (by dotted path) amounts to in the exported graph. */
export interface ModuleFigures {
  nodeNames: string[];
  macs: number;
  params: number;
  weightBytes: number;
  /** Sum of node latencies on the device; present with a device. */
  latencyMs?: number;
}

export interface LinkedModel {
  onnxPath: string;
  analysis: Analysis;
  /** Figures per module path, every ancestor included ('' is the whole model). */
  byPath: Map<string, ModuleFigures>;
  /** ONNX node name → module path. */
  nodePath: Map<string, string>;
  estimate?: Estimate;
}

/**
 * Resolves the export target relative to the script's folder; undefined when it escapes the workspace or does
 * not exist (a script cannot make the extension read arbitrary files).
 */
export function resolveOnnxPath(scriptPath: string, target: string, workspaceRoot?: string): string | undefined {
  const abs = isAbsolute(target) ? target : resolve(dirname(scriptPath), target);
  if (!existsSync(abs)) return undefined;
  const root = workspaceRoot ?? dirname(scriptPath);
  let real: string;
  let realRoot: string;
  try {
    real = realpathSync(abs);
    realRoot = realpathSync(root);
  } catch {
    return undefined;
  }
  const rel = relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep)[0] === '..') return undefined;
  return real;
}

/** Module paths of the script's model in registration order: `blocks.1.c1`, ... */
export function modulePaths(root: ModSpec): string[] {
  const out: string[] = [];
  const visit = (m: ModSpec, prefix: string): void => {
    for (const [k, c] of m.children) {
      const p = prefix === '' ? k : `${prefix}.${k}`;
      out.push(p);
      visit(c, p);
    }
  };
  visit(root, '');
  return out;
}

/**
 * Maps an ONNX node to a module path. PyTorch names nodes `/scope/scope/.../Op_N`, each scope the module's
 * qualified name shortened to its last non-numeric atom plus trailing indices (`layer1.0` then `conv1`); scopes of
 * inlined modules get `_N` suffixes for repeats. Weight initializer names (`blocks.1.sc.weight`) are exact and win.
 */
export function mapNodeToPath(nodeName: string, initializerInputs: string[], paths: ReadonlySet<string>, leafIndex: Map<string, string[]>): string | undefined {
  for (const i of initializerInputs) {
    const m = /^(.*)\.(weight|bias|weight_ih_l\d+|weight_hh_l\d+|bias_ih_l\d+|bias_hh_l\d+|in_proj_weight|in_proj_bias|running_mean|running_var)$/.exec(i);
    if (m && paths.has(m[1]!)) return m[1];
  }
  if (!nodeName.startsWith('/')) return undefined;
  const scopes = nodeName.split('/').filter((s) => s !== '').slice(0, -1);
  let cur: string[] = [];
  let best: string | undefined;
  for (const scope of scopes) {
    const atoms = scope.split('.');
    const head = atoms[0]!;
    let next: string[] | undefined;
    // `layer1.0` under `layer1`: the scope restates the tail of the current path.
    for (let k = cur.length - 1; k >= 0; k--) {
      if (cur[k] === head && cur.slice(k + 1).every((a, j) => atoms[j + 1] === a)) {
        next = [...cur.slice(0, k), ...atoms];
        break;
      }
    }
    next ??= [...cur, ...atoms];
    let p = next.join('.');
    if (!paths.has(p)) {
      // Repeated inlined scope `c1_2`: the third module whose last atom is `c1` in registration order.
      const rep = /^(.*)_(\d+)$/.exec(scope);
      const candidates = leafIndex.get(rep ? rep[1]! : scope) ?? [];
      const within = candidates.filter((c) => cur.length === 0 || c.startsWith(`${cur.join('.')}.`));
      const pick = rep ? within[Number(rep[2])] : within[0];
      if (!pick) break;
      p = pick;
      next = pick.split('.');
    }
    cur = next;
    best = p;
  }
  return best;
}

export interface LinkOptions {
  device?: DeviceProfile;
}

export async function linkModel(onnxPath: string, model: ModSpec | undefined, options: LinkOptions = {}): Promise<LinkedModel | { error: string }> {
  const r = await analyzeModelFile(onnxPath);
  if (!r.ok) return { error: r.error.message };
  const analysis = r.value;
  const est = options.device ? estimate(estimateInputOf(analysis, options.device), options.device) : undefined;
  const latencyByName = new Map(est?.nodes.map((n) => [n.name, n.latencyMs]) ?? []);
  const pathsList = model ? modulePaths(model) : [];
  const paths = new Set(pathsList);
  const leafIndex = new Map<string, string[]>();
  for (const p of pathsList) {
    const leaf = p.slice(p.lastIndexOf('.') + 1);
    const list = leafIndex.get(leaf) ?? [];
    list.push(p);
    leafIndex.set(leaf, list);
  }
  const inits = new Set(analysis.model.graph.initializers.map((t) => t.name));
  const byPath = new Map<string, ModuleFigures>();
  const nodePath = new Map<string, string>();
  const add = (path: string, nodeName: string, c: { macs: number; params: number; weightBytes: number }, latencyMs: number | undefined): void => {
    const f = byPath.get(path) ?? { nodeNames: [], macs: 0, params: 0, weightBytes: 0, ...(est ? { latencyMs: 0 } : {}) };
    f.nodeNames.push(nodeName);
    f.macs += c.macs;
    f.params += c.params;
    f.weightBytes += c.weightBytes;
    if (f.latencyMs !== undefined && latencyMs !== undefined) f.latencyMs += latencyMs;
    byPath.set(path, f);
  };
  const costByIndex = new Map(analysis.cost.nodes.map((c) => [c.index, c]));
  analysis.model.graph.nodes.forEach((node, i) => {
    const cost = costByIndex.get(i);
    if (!cost) return;
    const path = mapNodeToPath(node.name, node.inputs.filter((x) => inits.has(x)), paths, leafIndex) ?? '';
    nodePath.set(node.name, path);
    const lat = latencyByName.get(node.name);
    // Count the node at its module and every ancestor, so a class lens and an attribute lens both read directly.
    const chain = path === '' ? [''] : ['', ...path.split('.').map((_, j, a) => a.slice(0, j + 1).join('.'))];
    for (const p of chain) add(p, node.name, cost, lat);
  });
  return { onnxPath, analysis, byPath, nodePath, ...(est ? { estimate: est } : {}) };
}

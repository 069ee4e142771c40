// What the user pins about a model's inputs (`--input-shape NAME=DIMS`, `--value NAME=N`, the editor's
// aiotLens.defaultInputShapes / aiotLens.inputValues) is checked against the model before anything is computed:
// a pin that names no input, has the wrong rank or a dimension that is not a positive whole number is an error
// with the model's real inputs in the message, never a silently wrong figure.

import { isFloatDType } from '../onnx/dtype';
import type { Model, Shape, ValueInfo } from '../onnx/ir';
import { err, ok, type Result } from '../result';

function describe(vi: ValueInfo): string {
  if (vi.type.kind !== 'tensor') return `${vi.name} (${vi.type.kind})`;
  const dims = vi.type.shape ? `[${vi.type.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : '(rank unknown)';
  return `${vi.name}: ${vi.type.elemType} ${dims}`;
}

/** The graph inputs a user can pin (an IR < 4 initializer listed as an input is a constant unless pinned). */
function pinnable(model: Model): ValueInfo[] {
  return model.graph.inputs;
}

function realInputs(model: Model): ValueInfo[] {
  const inits = new Set(model.graph.initializers.map((t) => t.name));
  return model.graph.inputs.filter((i) => !inits.has(i.name));
}

function noSuchInput(model: Model, what: string, name: string): Result<never> {
  const list = realInputs(model).map(describe).join('; ');
  return err('invalid-argument', `${what} names '${name}', which is not an input of the model (its inputs: ${list || 'none'})`);
}

/** Checks pinned shapes and values against the model's inputs; the error names the model's real inputs. */
export function checkPins(model: Model, shapes?: Record<string, Shape>, values?: Record<string, number>): Result<void> {
  const inputs = new Map(pinnable(model).map((i) => [i.name, i]));
  for (const [name, dims] of Object.entries(shapes ?? {})) {
    const vi = inputs.get(name);
    const text = `--input-shape ${name}=${dims.map((d) => (d === null ? '?' : String(d))).join('x')}`;
    if (!vi) return noSuchInput(model, text, name);
    for (const d of dims) {
      if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0) {
        return err('invalid-argument', `${text}: every dimension must be a positive whole number, got '${d === null ? '?' : String(d)}' (input ${describe(vi)})`);
      }
    }
    const declared = vi.type.kind === 'tensor' ? vi.type.shape : undefined;
    if (declared && declared.length !== dims.length) {
      return err('invalid-argument', `${text}: the input has ${declared.length} dimension${declared.length === 1 ? '' : 's'}, the pin ${dims.length} (input ${describe(vi)})`);
    }
  }
  for (const [name, v] of Object.entries(values ?? {})) {
    const vi = inputs.get(name);
    const text = `--value ${name}=${v}`;
    if (!vi) return noSuchInput(model, text, name);
    if (vi.type.kind !== 'tensor') return err('invalid-argument', `${text}: input '${name}' is a ${vi.type.kind}, not a tensor`);
    const dtype = vi.type.elemType;
    if (dtype === 'string') return err('invalid-argument', `${text}: input '${name}' holds strings`);
    if (!Number.isFinite(v)) return err('invalid-argument', `${text}: not a finite number`);
    if (!isFloatDType(dtype) && !Number.isInteger(v)) return err('invalid-argument', `${text}: input '${name}' is ${dtype}, so the value must be a whole number`);
    if (dtype === 'bool' && v !== 0 && v !== 1) return err('invalid-argument', `${text}: input '${name}' is bool, so the value must be 0 or 1`);
    const pinned = shapes?.[name];
    const dims = pinned ?? vi.type.shape;
    if (dims && !dims.every((d) => typeof d === 'number')) {
      return err('invalid-argument', `${text}: input ${describe(vi)} has dimensions of unknown size; pin them with --input-shape ${name}=DIMS`);
    }
  }
  return ok(undefined);
}

/**
 * The part of workspace-wide pins (the editor's aiotLens.defaultInputShapes / aiotLens.inputValues apply to every
 * model) that fits this model: pins naming no input of it are dropped silently (they are for other models), pins of
 * another rank are dropped with a note saying so. Explicit pins (the CLI's) go through checkPins instead.
 */
export function applicablePins(model: Model, shapes: Record<string, Shape> = {}, values: Record<string, number> = {}):
  { shapes: Record<string, Shape>; values: Record<string, number>; notes: string[] } {
  const inputs = new Map(pinnable(model).map((i) => [i.name, i]));
  const notes: string[] = [];
  const outShapes: Record<string, Shape> = {};
  for (const [name, dims] of Object.entries(shapes)) {
    const vi = inputs.get(name);
    if (!vi) continue;
    const declared = vi.type.kind === 'tensor' ? vi.type.shape : undefined;
    if (declared && declared.length !== dims.length) {
      notes.push(`the pinned shape for '${name}' has ${dims.length} dimensions, this model's input ${describe(vi)}: not applied`);
      continue;
    }
    if (dims.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d <= 0)) {
      notes.push(`the pinned shape for '${name}' (${dims.join('x')}) has a dimension that is not a positive whole number: not applied`);
      continue;
    }
    outShapes[name] = dims;
  }
  const outValues: Record<string, number> = {};
  for (const [name, v] of Object.entries(values)) {
    if (!inputs.has(name)) continue;
    const r = checkPins(model, outShapes, { [name]: v });
    if (!r.ok) notes.push(`${r.error.message}: not applied`);
    else outValues[name] = v;
  }
  return { shapes: outShapes, values: outValues, notes };
}

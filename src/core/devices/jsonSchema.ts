// A small JSON Schema (draft-07 subset) validator: exactly the keywords our shipped schemas use, with errors that
// name the field by its JSON path so a user can fix a profile or budget file without reading the schema.

/** A schema node as plain JSON. */
export type Schema = { [keyword: string]: unknown };

export interface SchemaError {
  /** JSON path of the offending field, e.g. `efficiency.conv` (empty for the root). */
  field: string;
  message: string;
}

const SUPPORTED = new Set([
  '$schema', '$id', 'title', 'description', 'definitions', '$ref', 'type', 'required', 'properties',
  'additionalProperties', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum', 'minLength', 'pattern', 'items',
  'minItems', 'minProperties', 'oneOf', 'allOf',
]);

/** Validates `value` against `root`; returns every error found (empty when valid). */
export function validateJson(value: unknown, root: Schema): SchemaError[] {
  const errors: SchemaError[] = [];
  check(value, root, root, '', errors);
  return errors;
}

/** Keywords in a schema this validator would ignore (so a schema edit cannot silently stop being enforced). */
export function unsupportedKeywords(schema: unknown, path = ''): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(schema as Schema)) {
    if (!SUPPORTED.has(k)) out.push(`${path}/${k}`);
    if (k === 'properties' || k === 'definitions') {
      for (const [name, sub] of Object.entries(v as Schema)) out.push(...unsupportedKeywords(sub, `${path}/${k}/${name}`));
    } else if (k === 'items' || k === 'additionalProperties') {
      out.push(...unsupportedKeywords(v, `${path}/${k}`));
    } else if (k === 'oneOf' || k === 'allOf') {
      (v as unknown[]).forEach((s, i) => out.push(...unsupportedKeywords(s, `${path}/${k}/${i}`)));
    }
  }
  return out;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function resolve(ref: string, root: Schema): Schema {
  if (!ref.startsWith('#/')) throw new Error(`only local $ref is supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as Schema)[part];
  if (!node || typeof node !== 'object') throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}

function show(v: unknown): string {
  return JSON.stringify(v);
}

function check(value: unknown, schema: Schema, root: Schema, path: string, errors: SchemaError[]): void {
  if (typeof schema.$ref === 'string') check(value, resolve(schema.$ref, root), root, path, errors);
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf as Schema[]) check(value, s, root, path, errors);
  if (Array.isArray(schema.oneOf)) checkOneOf(value, schema.oneOf as Schema[], root, path, errors);

  const t = typeOf(value);
  if (schema.type !== undefined) {
    const want = schema.type as string;
    const okType = want === t || (want === 'number' && t === 'integer');
    if (!okType) {
      errors.push({ field: path, message: `must be ${want === 'integer' ? 'an integer' : `a${/^[aeiou]/.test(want) ? 'n' : ''} ${want}`}, got ${t === 'integer' ? 'number' : t} ${show(value)}` });
      return;
    }
  }
  if (schema.const !== undefined && value !== schema.const) {
    errors.push({ field: path, message: `must be ${show(schema.const)}, got ${show(value)}` });
  }
  if (Array.isArray(schema.enum) && !(schema.enum as unknown[]).includes(value)) {
    errors.push({ field: path, message: `must be one of ${(schema.enum as unknown[]).map(show).join(', ')}, got ${show(value)}` });
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) {
      errors.push({ field: path, message: `must be >= ${schema.minimum}, got ${value}` });
    }
    if (typeof schema.maximum === 'number' && value > schema.maximum) {
      errors.push({ field: path, message: `must be <= ${schema.maximum}, got ${value}` });
    }
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
      errors.push({ field: path, message: `must be > ${schema.exclusiveMinimum}, got ${value}` });
    }
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
      errors.push({ field: path, message: `must not be empty` });
    }
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern as string, 'u').test(value)) {
      errors.push({ field: path, message: `${show(value)} does not match ${schema.pattern}` });
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      errors.push({ field: path, message: `needs at least ${schema.minItems} item(s)` });
    }
    if (schema.items && typeof schema.items === 'object') {
      value.forEach((item, i) => check(item, schema.items as Schema, root, join(path, i), errors));
    }
  }
  if (t === 'object') {
    const obj = value as Record<string, unknown>;
    if (Array.isArray(schema.required)) {
      for (const key of schema.required as string[]) {
        if (!(key in obj)) errors.push({ field: join(path, key), message: 'is required' });
      }
    }
    if (typeof schema.minProperties === 'number' && Object.keys(obj).length < schema.minProperties) {
      errors.push({ field: path, message: `needs at least ${schema.minProperties} entr${schema.minProperties === 1 ? 'y' : 'ies'}` });
    }
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const allowed = collectProperties(schema, root);
    for (const [key, v] of Object.entries(obj)) {
      if (props[key]) check(v, props[key], root, join(path, key), errors);
      else if (schema.additionalProperties === false && !allowed.has(key)) {
        errors.push({ field: join(path, key), message: `is not a known field (known: ${[...allowed].join(', ')})` });
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object' && !allowed.has(key)) {
        check(v, schema.additionalProperties as Schema, root, join(path, key), errors);
      }
    }
  }
}

/** Property names declared directly or through allOf/$ref, for additionalProperties: false. */
function collectProperties(schema: Schema, root: Schema): Set<string> {
  const out = new Set<string>(Object.keys((schema.properties ?? {}) as Schema));
  if (typeof schema.$ref === 'string') for (const k of collectProperties(resolve(schema.$ref, root), root)) out.add(k);
  if (Array.isArray(schema.allOf)) for (const s of schema.allOf as Schema[]) for (const k of collectProperties(s, root)) out.add(k);
  return out;
}

/**
 * oneOf with useful errors: when branches are told apart by a `class`/`kind` const or enum, only the branch the
 * value claims to be is reported; otherwise the branch with the fewest errors.
 */
function checkOneOf(value: unknown, branches: Schema[], root: Schema, path: string, errors: SchemaError[]): void {
  const results = branches.map((b) => {
    const e: SchemaError[] = [];
    check(value, b, root, path, e);
    return e;
  });
  const passing = results.filter((e) => e.length === 0).length;
  if (passing === 1) return;
  if (passing > 1) {
    errors.push({ field: path, message: 'matches more than one kind of profile' });
    return;
  }
  const claimed = results.filter((e) => !e.some((x) => /^(class|kind)$/.test(x.field.slice(path ? path.length + 1 : 0)) ));
  const pool = claimed.length > 0 ? claimed : results;
  const best = pool.reduce((a, b) => (b.length < a.length ? b : a));
  errors.push(...best);
}

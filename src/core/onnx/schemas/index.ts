// The bundled ONNX operator schemas (operator-schemas.json, 300 KB), loaded on first use: most runs never need them
// (shape inference only falls back to them for ops without a rule), and a bundle that materializes them at start-up
// pays for it on every CLI run.

export interface SchemaIO { name: string; type: string; option: string }
export interface OperatorSchema {
  domain: string;
  name: string;
  sinceVersion: number;
  inputs: SchemaIO[];
  outputs: SchemaIO[];
  typeConstraints: { param: string; allowed: string[] }[];
}

let schemas: OperatorSchema[] | undefined;

export function operatorSchemas(): OperatorSchema[] {
  // require, not import: bundlers keep a required JSON file in a function that runs on the first call.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  schemas ??= (require('./operator-schemas.json') as { schemas: OperatorSchema[] }).schemas;
  return schemas;
}

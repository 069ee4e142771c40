// Data types of the training-script analysis: positions, modules found in the script, diagnostics and fixes.

/** 0-based line and UTF-16 column, as LSP uses them. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A quick fix: either text edits in the script or a command to run (e.g. optimize the linked model). */
export interface ScriptFix {
  title: string;
  edits?: TextEdit[];
  command?: { command: string; title: string; arguments: unknown[] };
  /** The fix VS Code should prefer for this diagnostic. */
  isPreferred?: boolean;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export type DiagnosticCode =
  | 'aiot.float64'
  | 'aiot.export-without-eval'
  | 'aiot.inference-without-eval'
  | 'aiot.inference-without-no-grad'
  | 'aiot.opset-missing'
  | 'aiot.opset-unsupported'
  | 'aiot.dense-conv'
  | 'aiot.large-linear'
  | 'aiot.not-fit'
  | 'aiot.hotspot'
  | 'aiot.volatile-variable'
  | 'aiot.syntax';

export interface ScriptDiagnostic {
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  fixes: ScriptFix[];
}

/** A tensor shape; null entries are unknown dims. */
export type Shape = (number | null)[];

/** Where one layer / module of the model was defined, and what it costs. */
export interface LayerInfo {
  /** Dotted module path from the model root (`layer1.0.conv1`), or the attribute name inside its class. */
  path: string;
  /** torch class name (`Conv2d`) or user class name or known architecture (`torchvision.models.resnet18`). */
  typeName: string;
  /** Range of the constructor call that created it. */
  range: Range;
  /** Parameters; null when a constructor argument could not be evaluated. */
  params: number | null;
  /** Multiply-accumulates for the input shape the forward walk derived; null when unknown. */
  macs: number | null;
  inputShape?: Shape;
  outputShape?: Shape;
  /** Why params or MACs are unknown, in a few words. */
  unknownReason?: string;
}

export interface ModuleSummary {
  /** The class name, or the variable name for a known architecture built at top level. */
  name: string;
  /** Range of the class name (or the call), for code lenses. */
  range: Range;
  params: number | null;
  macs: number | null;
  /** Input shape the MACs rest on. */
  inputShape?: Shape;
  /** Attributes of the class (direct children) with their own figures. */
  layers: LayerInfo[];
  /** True for the class passed to torch.onnx.export (or instantiated as the model). */
  isExported: boolean;
  /** Module path of the instance the figures come from inside the exported model ('' for the model itself). */
  instancePath?: string;
  /** Why params or MACs are null, in a few words ("loop over `self.cfg` (line 30) not followed"). */
  unknownReason?: string;
}

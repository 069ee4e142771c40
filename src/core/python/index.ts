// Training-script analysis: parse PyTorch scripts, count parameters and MACs statically, link the exported ONNX,
// and produce diagnostics with quick fixes. Used by the language server and `aiot-lens check-script`.
export { loadPython, loadedPython, locateWasm, IncrementalParser, diffText, type ParserOptions, type TextChange } from './parser';
export { analyzeTree, type ScriptModel, type ExportCall, type LayerInstance } from './analyze-script';
export { runChecks, rangeOfPath } from './checks';
export { linkModel, mapNodeToPath, resolveOnnxPath, type LinkedModel, type ModuleFigures } from './link';
export { checkScriptText, checkAnalyzed, linkTarget, ScriptSession, shiftRange, type CheckOptions, type CheckResult, type ScriptReport } from './check';
export { DEFAULT_SETTINGS, resolveSettings, type ScriptSettings } from './settings';
export { TORCHVISION, timmArchitecture, torchvisionArchitecture, type KnownArchitecture } from './known-architectures';
export { LAYERS } from './layers';
export type * from './types';

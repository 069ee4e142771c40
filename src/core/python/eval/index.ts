// The static evaluator: runs the statically knowable subset of a script (constants, module constructors, forward()
// over tensor shapes) without executing Python, recording parameters, shapes and MACs per module path.
// Rooms: context (state, scopes, trace), statements, expressions, calls, builtins, torch-modules, forward.
export { lookup, newScope, joinPath, traceReason, type EvalContext, type Trace, type TraceEntry } from './context';
export { execBlock, execStatement } from './statements';
export { evaluate, binary } from './expressions';
export { instantiate, baseClass } from './calls';
export { applyModule } from './forward';

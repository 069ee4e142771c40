// Measurement with onnxruntime-node: sessions, seeded inputs, one-shot runs, timing and per-node profiles, and host
// calibration (micro-benchmarks fitted into a device profile).

export { createSession, ort, type InputMeta, type OptimizationLevel, type Session, type SessionOptions } from './ort';
export { concreteDims, randomFeeds, seededRandom, type InputOptions } from './inputs';
export { runModel, type Outputs } from './run';
export { median, parseOrtProfile, percentile, profileModel, profileNodes, timeModel, timeModelDetailed, type NodeTime, type ProfileOptions, type ProfileResult } from './profile';
export { calibrateHost, type BenchResult, type Calibration, type CalibrateOptions } from './calibrate/calibrate';
export { microBenches, overheadBench, type MicroBench } from './calibrate/microbench';
export { fitLinear, fitPlane, type LinearFit, type PlaneFit } from './calibrate/fit';

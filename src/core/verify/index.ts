// Public surface of verification: run the original and the optimized model in onnxruntime-node on the same
// inputs, compare every output, and time both in the same process.

export { verifyModels, type VerifyOptions, type VerifyReport } from './verify';
export { randomSamples, folderSamples, readSampleFile, parseNpy, feedInputs, type Sample, type SampleSet, type SampleTensor } from './samples';
export { compareOutputs, median } from './compare';
export { seededRandom, seededNormal } from '../random';
export { calibrateRanges, type Range, type CalibrationOptions } from './calibrate';
export {
  AgreementAccumulator, DEFAULT_THRESHOLDS, classLikeOutputs, NEAR_ZERO_ABS, agreementLine, jsonNumbers, summarizeAgreement, thresholdsFrom, verdictLine,
  type Agreement, type OutputAgreement, type Verdict, type VerifyThresholds,
} from './agreement';

// A learned input filter (issue 17): from the user's samples and a redundancy rule to a small ONNX model that skips
// inputs before the model runs, with its measured skip ratio, recall and cost on a device.

export { learnFilter, parseRule, describeRule, isRedundant, type FilterOptions, type FilterReport, type FilterResult, type Rule, type CurvePoint } from './filter';
export { FEATURE_NAMES, computeAll, computeFeatures, inputView, defaultFeatures, type FeatureName, type InputView } from './features';
export { parsePreprocess, loadSamples, imageTensor, resizeBilinear, type Preprocess, type FilterSample } from './samples';
export { decodePng, encodePng, decodeJpeg, encodeJpeg, decodeImage, decodeWav, encodeWav, type Image, type Audio } from './media';
export { train, predict, split, splitByGroup, outOfFold, chooseThreshold, metrics, curve, type Classifier, type ModelKind, type Metrics } from './train';
export { filterModel, FILTER_INPUT, FILTER_KEEP, FILTER_SCORE } from './export';
export { reportPathFor, readFilterReport } from './reportFile';

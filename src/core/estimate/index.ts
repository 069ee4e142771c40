// On-device estimates: per-node roofline latency, energy, peak RAM, flash and a verdict per resource.

export type { Bound, EstimateRange, Estimate, EstimateInput, EstimateOptions, EstimateReport, NodeEstimate, ResourceVerdict } from './types';
export { estimate } from './estimate';
export { nodeOps, nodeRoofline } from './roofline';
export { choosePeak } from './dtype';
export { findFusedNodes } from './fusion';
export { estimateInputOf, estimateReport, tensorBytes, toReport, type AnalysisLike } from './report';
export { channelPadFactor, convGeometry, runtimeWeightNodes, type ConvGeometry } from './geometry';
export { figureRange, spanOf, withRange, type FigureRange } from './range';

// Collaborative inference: where to cut a model between a device and an edge/cloud machine, and the two halves.

export { enumerateCuts, topologicalOrder, type Compression, type CrossingTensor, type Cut, type CutSet } from './cuts';
export { searchSplit, type CutEvaluation, type Objective, type SplitOptions, type SplitResult } from './search';
export { splitModel, type Halves } from './halves';
export { verifySplit, type SplitVerification } from './verify';

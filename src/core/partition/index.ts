// Collaborative inference: where to cut a model between a device and an edge/cloud machine, and the two halves.

export { enumerateCuts, topologicalOrder, type Compression, type CrossingTensor, type Cut, type CutSet } from './cuts';
export { cutScore, searchSplit, type CutEvaluation, type Objective, type SplitOptions, type SplitResult } from './search';
export { splitModel, type Halves } from './halves';
export { verifySplit, type SplitVerification } from './verify';
export { bestInnerCut, describeCut, resolveCut, splitTableRows, type CutRole, type CutRow } from './select';
export { splitCut, splitView, type SplitCut, type SplitExported, type SplitRow, type SplitVerifyView, type SplitView } from './view';

// Fitting device profiles to measured inferences: the estimator's roofline with its free parameters (per-kernel-family
// efficiency, memory penalty, per-node and per-inference overhead, active power) fitted in log space by MAP least
// squares, leave-one-out errors, and the intervals built from them. Used by `npm run fit:devices` (catalog profiles
// from the evidence base) and by `calibrate` (a user's own measurements).

export { FIT_GROUPS, PARAM_NAMES, fromVector, predictMs, toVector, type FitFeatures, type FitGroup, type FitParams, type ParamName } from './model';
export { applyFit, fitFeatures, groupOf, logParams, profileParams, roofDevice } from './features';
export { fitProfile, predictLatencyMs, type FitOptions, type FitPoint, type FitPrior, type FittedParams } from './fit';
export {
  leaveOneOut, looPoint, median, rangeOf, shrunkLogSpread, summarize, zOf,
  type ErrorSummary, type LooPoint, type LooResult, type PriorFor,
} from './loo';
export { GLOBAL_PRIOR, priorAround } from './prior';

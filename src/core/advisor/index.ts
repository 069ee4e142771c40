// The bottleneck advisor: demand vs budget for compute, memory, storage, communication and energy, the binding
// resource and module, and ranked techniques with re-estimated effects.

export { advise, pinFlags } from './advise';
export { appliedTechniques, HISTORY_IDS, type Applied, type AppliedId } from './applied';
export { quantizeInput, reduceInput } from './transforms';
export { TECHNIQUES, type Technique, type TechniqueContext, type Proposal } from './techniques';
export { batteryJoules, bindingResource, moduleOf, periodMs, resourcesOf } from './resources';
export type { Advice, AdviseOptions, AfterEstimate, Budget, Module, ResourceDemand, ResourceName, Suggestion } from './types';

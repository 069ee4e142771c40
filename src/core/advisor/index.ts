// The bottleneck advisor: demand vs budget for compute, memory, storage, communication and energy, the binding
// resource and module, and ranked techniques with re-estimated effects.

export { advise } from './advise';
export { batteryJoules, bindingResource, moduleOf, periodMs, resourcesOf } from './resources';
export { quantizeInput, reduceInput } from './transforms';
export type { Advice, AdviseOptions, AfterEstimate, Budget, Module, ResourceDemand, ResourceName, Suggestion } from './types';

// Device and link profiles: the built-in catalog, user profiles, and their JSON Schema validation.

export type { ComputeDType, DeviceClass, DeviceFit, DeviceProfile, FitProfileParams, FitRange, LinkProfile, PerOpClass, Profile, ProfileEntry, RuntimeEntry } from './types';
export { applyDeviceFit, expandRuntimes, RUNTIME_NAMES, runtimeName, withFitParams } from './runtimes';
export { isLink } from './types';
export { builtInProfiles, findProfile, getDevice, getLink, loadPath, loadProfiles, type LoadOptions, type ProfileRegistry } from './load';
export { DEVICE_PROFILE_SCHEMA, parseProfileText, validateProfile } from './validate';
export { unsupportedKeywords, validateJson, type Schema, type SchemaError } from './jsonSchema';

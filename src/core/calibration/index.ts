// Calibration from the user's own board: a measurements CSV in, a fitted workspace device profile out.

export {
  MAX_SPREAD, combineMeasurements, parseMeasurementsCsv, readMeasurements, splitCsvLine,
  type Measurement, type MeasurementRow, type MeasurementSet,
} from './measurements';
export {
  EXERCISED_SHARE, PARAM_LABELS, calibrateFromMeasurements, deviceLogParams, freeParameters,
  type CalibrateMeasurementsOptions, type CalibrationPoint, type UserCalibration,
} from './userFit';
export { calibrationHeadline, type CalibrationSummary } from './summary';

// The built-in evidence base: one JSON file per published source, imported statically so the bundle carries them.
// Each is validated against schemas/device-evidence.schema.json by loadEvidence() (and by the unit tests).

import esp_nn_readme from './esp-nn-readme.json';
import esp_tflite_micro_readme from './esp-tflite-micro-readme.json';
import mlperf_tiny_v0_5 from './mlperf-tiny-v0.5.json';
import mlperf_tiny_v0_7 from './mlperf-tiny-v0.7.json';
import mlperf_tiny_v1_0 from './mlperf-tiny-v1.0.json';
import mlperf_tiny_v1_1 from './mlperf-tiny-v1.1.json';
import mlperf_tiny_v1_2 from './mlperf-tiny-v1.2.json';
import mlperf_tiny_v1_3 from './mlperf-tiny-v1.3.json';
import nxp_eiq_model_zoo from './nxp-eiq-model-zoo.json';
import stm32ai_modelzoo from './stm32ai-modelzoo.json';

/** File name (without .json) and parsed content of every built-in evidence file. */
export const BUILT_IN_EVIDENCE: readonly { file: string; json: unknown }[] = [
  { file: 'esp-nn-readme', json: esp_nn_readme },
  { file: 'esp-tflite-micro-readme', json: esp_tflite_micro_readme },
  { file: 'mlperf-tiny-v0.5', json: mlperf_tiny_v0_5 },
  { file: 'mlperf-tiny-v0.7', json: mlperf_tiny_v0_7 },
  { file: 'mlperf-tiny-v1.0', json: mlperf_tiny_v1_0 },
  { file: 'mlperf-tiny-v1.1', json: mlperf_tiny_v1_1 },
  { file: 'mlperf-tiny-v1.2', json: mlperf_tiny_v1_2 },
  { file: 'mlperf-tiny-v1.3', json: mlperf_tiny_v1_3 },
  { file: 'nxp-eiq-model-zoo', json: nxp_eiq_model_zoo },
  { file: 'stm32ai-modelzoo', json: stm32ai_modelzoo },
];

// A QDQ-quantized model is estimated as the int8 kernels runtimes fuse it into, so quantizing never looks slower or
// bigger than the float original, and the advisor's int8 prediction agrees with the estimate of the real result.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advise } from '../../../src/core/advisor';
import { analyzeModel, analyzeModelFileSync } from '../../../src/core/analyze';
import { getDevice, loadProfiles } from '../../../src/core/devices';
import { estimate, estimateInputOf } from '../../../src/core/estimate';
import { qdqView } from '../../../src/core/estimate/qdq';
import { runPasses } from '../../../src/core/passes';
import { unwrap } from '../../../src/core/result';
import { fixtureModel } from '../../helpers/models';

test('int8-static mobilenet_v2_vww_96 on stm32h743: faster and smaller than float, as the advisor predicts', async () => {
  const device = unwrap(getDevice(unwrap(loadProfiles()), 'stm32h743'));
  const float = unwrap(analyzeModelFileSync(fixtureModel('mobilenet_v2_vww_96')));
  const q = unwrap(await runPasses(float.model, ['fold-bn', 'int8-static'], { calibrationSamples: 2, seed: 1 }));
  const int8 = analyzeModel(q.model);
  const view = qdqView(int8.model, int8.shapes.values, int8.cost.nodes)!;
  assert.ok(view.islands >= 50, `${view.islands} islands`);
  // Every Conv became an int8 kernel carrying its quantized weights.
  for (const c of view.costs.filter((x) => x.opType === 'Conv')) {
    assert.match(c.computeDtype, /^u?int8$/, c.name);
    assert.ok(c.weightBytes > 0, c.name);
  }
  const before = estimate(estimateInputOf(float), device);
  const after = estimate(estimateInputOf(int8), device);
  assert.ok(after.latencyMs < 0.7 * before.latencyMs, `${after.latencyMs} vs ${before.latencyMs}`);
  assert.ok(after.peakRamBytes < 0.4 * before.peakRamBytes, `${after.peakRamBytes} vs ${before.peakRamBytes}`);
  const advice = await advise(float, device, {});
  const predicted = advice.suggestions.find((s) => /int8/.test(s.technique))!.estimate;
  assert.ok(Math.abs(after.latencyMs - predicted.latencyMs) / predicted.latencyMs < 0.25, `${after.latencyMs} vs predicted ${predicted.latencyMs}`);
});

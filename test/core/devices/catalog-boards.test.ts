import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtInProfiles, isLink, type DeviceProfile } from '../../../src/core/devices';
import { evidencePoints, loadEvidence } from '../../../src/core/devices/evidence';

const devices = builtInProfiles().map((e) => e.profile).filter((p) => !isLink(p)) as DeviceProfile[];
const byId = new Map(devices.map((d) => [d.id, d]));

test('the catalog holds at least 30 device profiles across the families issue 12 names', () => {
  assert.ok(devices.length >= 30, `${devices.length} devices`);
  const families: Record<string, string[]> = {
    'STM32 F4': ['stm32f446'], 'STM32 F7': ['stm32f746'], 'STM32 H7': ['stm32h743', 'stm32h7a3', 'stm32h747'], 'STM32 L4': ['stm32l4r5'],
    'STM32 U5': ['stm32u575', 'stm32u585'], 'STM32 G0': ['stm32g0b1'], 'STM32 N6': ['stm32n6'], nRF: ['nrf52840', 'nrf5340'],
    ESP32: ['esp32', 'esp32-s3', 'esp32-c3', 'esp32-p4'], RP: ['rp2040', 'rp2350'], 'PSoC 6': ['psoc62'], 'i.MX RT': ['imxrt1060', 'imxrt1170'],
    Apollo4: ['apollo4-plus'], MAX78000: ['max78000'], 'Ethos-U55': ['alif-e7'],
  };
  for (const [family, ids] of Object.entries(families)) for (const id of ids) assert.ok(byId.has(id), `${family}: ${id}`);
});

test('every board an evidence point names has datasheet sources and a clock', () => {
  const r = loadEvidence();
  assert.ok(r.ok);
  if (!r.ok) return;
  for (const board of new Set(evidencePoints(r.value).map((p) => p.board))) {
    const d = byId.get(board);
    assert.ok(d, board);
    assert.ok(d.sources.length >= 2, `${board} sources`);
    assert.ok(d.clockHz !== undefined && d.clockHz > 0, `${board} clock`);
  }
});

test('Cortex-M peaks follow from clock and core: 2 ops per MAC, 2 int16 MACs per cycle, Helium 8 int8 MACs', () => {
  // name fragment -> int8 MACs per cycle of the CPU (boards with an NPU quote the NPU and are checked elsewhere)
  const perCycle: [RegExp, number][] = [[/Cortex-M(4F|33|7)\b/, 2], [/Cortex-M85/, 8], [/Cortex-M0\+/, 1 / 3]];
  let checked = 0;
  for (const d of devices) {
    if (d.class !== 'mcu' || d.clockHz === undefined) continue;
    const rule = perCycle.find(([re]) => re.test(d.name));
    if (!rule || /dual| \+ /.test(d.name)) continue; // several cores or an accelerator beside the CPU
    const expected = d.clockHz * rule[1] * 2;
    assert.ok(Math.abs(d.peakOpsPerSecond.int8! - expected) / expected < 0.01, `${d.id}: int8 peak ${d.peakOpsPerSecond.int8} vs ${expected}`);
    checked++;
  }
  assert.ok(checked >= 12, `${checked} boards checked`);
});

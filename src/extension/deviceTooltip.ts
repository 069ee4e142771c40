// The status bar's tooltip for the active device: what its estimates rest on and how wide their range is
// (no vscode import: unit-tested in Node).

import type { DeviceProfile } from '../core/devices';
import { figureRange } from '../core/estimate';
import { evidenceText } from '../core/report';

/** "budgets are checked against X … Estimates carry an 80% range of ×/÷ 1.35 from 12 points (basis)." */
export function deviceTooltip(id: string, device: DeviceProfile | undefined): string {
  if (!id) return 'AIoT Lens: no device selected. Click to choose one.';
  if (!device) return `AIoT Lens: '${id}' is not a known device profile. Click to choose one.`;
  const r = figureRange(device);
  const factor = Math.exp(1.2815515655446004 * r.latencyLogSpread);
  const level = `${Math.round(r.level * 100)}%`;
  const evidence = r.evidencePoints > 0
    ? `from ${evidenceText(r.evidencePoints)} measured on ${r.fitLevel === 'user' ? 'your board' : 'this board'}`
    : 'no evidence: no measurement of this profile itself, so the range is wide';
  return [
    `AIoT Lens: budgets are checked against ${device.name} (${id}).`,
    `Latency estimates carry an ${level} range of ×/÷ ${factor.toFixed(2)} — ${evidence} (${r.basis}).`,
    r.fitLevel === 'user' ? 'Calibrated from your measurements (.aiot/devices).' : 'Calibrate it from timings on your board: AIoT Lens: Calibrate Device from Measurements…',
    'Click to change the device.',
  ].join('\n');
}

// Serves `aiotLens/advise` (bottleneck report) and `aiotLens/split` (cut search) on the cached analysis.

import type { Connection } from 'vscode-languageserver/node';
import { advise } from '../core/advisor';
import { getDevice, getLink, loadProfiles } from '../core/devices';
import { estimateReport } from '../core/estimate';
import { searchSplit, splitView } from '../core/partition';
import { ServerMethod, type AdviseParams, type AdviseResult, type SplitParams, type SplitResult } from '../protocol';
import { findDevice } from './devices';
import type { ModelStore } from './modelStore';
import type { GetSettings } from './settings';
import { profileDir } from './trust';

const NO_DEVICE = { ok: false as const, error: { code: 'invalid-argument' as const, message: 'no active device: select one first (AIoT Lens: Select Device)' } };

export function registerAdviseSplit(connection: Connection, store: ModelStore, getSettings: GetSettings, workspaceDir: () => string | undefined): void {
  const deviceOf = async (p: { uri?: string; deviceId?: string }) => p.deviceId || (await getSettings(p.uri)).activeDevice;

  connection.onRequest(ServerMethod.advise, async (params: AdviseParams): Promise<AdviseResult> => {
    const loaded = await store.load(params);
    if (!loaded.ok) return loaded;
    const deviceId = await deviceOf(params);
    if (!deviceId) return NO_DEVICE;
    const device = findDevice(deviceId, workspaceDir());
    if (!device.ok) return device;
    const analysis = loaded.entry.analysis;
    const advice = await advise(analysis, device.value, { ...(params.budget ?? {}), modelPath: loaded.path, deviceArgs: `--device ${deviceId}` });
    return { ok: true, advice, report: analysis.report, estimate: estimateReport(analysis, device.value) };
  });

  connection.onRequest(ServerMethod.split, async (params: SplitParams): Promise<SplitResult> => {
    const loaded = await store.load(params);
    if (!loaded.ok) return loaded;
    const deviceId = await deviceOf(params);
    if (!deviceId) return NO_DEVICE;
    const dir = profileDir(workspaceDir());
    const reg = loadProfiles(dir ? { cwd: dir } : {});
    if (!reg.ok) return reg;
    const device = getDevice(reg.value, deviceId);
    if (!device.ok) return device;
    const remote = getDevice(reg.value, params.remoteId);
    if (!remote.ok) return remote;
    const link = getLink(reg.value, params.linkId);
    if (!link.ok) return link;
    const r = searchSplit(loaded.entry.analysis, device.value, link.value, remote.value, { objective: params.objective ?? 'latency' });
    if (!r.ok) return r;
    const nodes = loaded.entry.analysis.model.graph.nodes.length;
    return { ok: true, split: splitView(loaded.path.split(/[\\/]/).pop() ?? loaded.path, r.value, nodes) };
  });
}

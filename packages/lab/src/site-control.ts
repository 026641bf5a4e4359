import { ArrayModel } from '@protector/arraysim';
import { recorded, startService, startSite, stopPid, waitReady, waitService } from './processes.js';
import { arraysDb, labSites, type LabSite } from './sites.js';
import { isAlive, writeState, type LabState, type ServiceState } from './state.js';

function siteOf(state: LabState, name: string): { site: LabSite; index: number } {
  const index = state.sites.findIndex((s) => s.name === name);
  const s = state.sites[index];
  if (!s) throw new Error(`no site '${name}' in this lab; sites: ${state.sites.map((x) => x.name).join(', ')}`);
  const site = labSites(state.sites[0]!.basePort).find((x) => x.name === name);
  if (!site) throw new Error(`no site '${name}' in this lab`);
  return { site, index };
}

function setArrayDown(labDir: string, array: string, down: boolean): void {
  const model = ArrayModel.open(arraysDb(labDir));
  try {
    model.setArrayDown(array, down);
  } finally {
    model.close();
  }
}

/**
 * The loss of a datacenter: the site's OpenStack, its Protector services and its array all stop
 * answering (the array file is shared, so the array is marked down in it as well).
 */
export async function stopLabSite(state: LabState, labDir: string, name: string): Promise<LabState> {
  const { site, index } = siteOf(state, name);
  // Recorded before anything stops, so a foreground `up` watching these processes lets them go.
  writeState(labDir, { ...state, stopped: [...new Set([...(state.stopped ?? []), name])] });
  await stopServices(state.protector?.find((x) => x.site === name)?.processes ?? []);
  await stopPid(state.sites[index]!.pid);
  setArrayDown(labDir, site.array, true);
  return { ...state, stopped: [...new Set([...(state.stopped ?? []), name])] };
}

/**
 * A site's Protector processes, the engines first (each gives its leases back) and together
 * (each may take its lease time to stop), then the APIs.
 */
export async function stopServices(processes: readonly ServiceState[]): Promise<void> {
  await Promise.all(processes.filter((p) => p.kind === 'engine').map((p) => stopPid(p.pid)));
  await Promise.all(processes.filter((p) => p.kind === 'api').map((p) => stopPid(p.pid)));
}

/** Stops every process of the lab as the state file records them (restarted sites included). */
export async function stopLab(state: LabState, log: (line: string) => void = console.log): Promise<void> {
  if (state.dashboard) {
    await stopPid(state.dashboard.pid);
    log('protector-dashboard stopped');
  }
  for (const p of state.protector ?? []) {
    await stopServices(p.processes);
    log(`protector on ${p.site} stopped (${p.processes.map((x) => x.name).join(', ')})`);
  }
  for (const s of state.sites) {
    await stopPid(s.pid);
    log(`${s.name} stopped`);
  }
}

/** The site back: its array answers again, cloudsim and the Protector services restart on their data. */
export async function startLabSite(state: LabState, labDir: string, name: string): Promise<LabState> {
  const { site, index } = siteOf(state, name);
  const rec = state.sites[index]!;
  if (isAlive(rec.pid)) throw new Error(`${name} is running`);
  setArrayDown(labDir, site.array, false);
  const s = startSite(site, labDir, true);
  await waitReady(s);
  // Each process again on the files it ran on: the layout `up` chose.
  const running = (state.protector?.find((x) => x.site === name)?.processes ?? []).map(({ pid: _old, ...p }) => startService(p, true));
  await Promise.all(running.map((p) => waitService(name, p)));
  const sites = state.sites.map((x, i) => (i === index ? { ...x, pid: s.child.pid! } : x));
  const protector = (state.protector ?? []).map((x) => (x.site === name ? { ...x, processes: running.map(recorded) } : x));
  return { ...state, sites, protector, stopped: (state.stopped ?? []).filter((x) => x !== name) };
}

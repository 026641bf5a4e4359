import { ApiError, badRequest, conflict, notFound } from '../http/errors.js';
import { uuid } from '../ids.js';
import type { Frozen } from '../store/frozen.js';
import type { NovaModel } from './model.js';
import type { BdmRecord, ServerRecord, VmState } from './records.js';

/**
 * Applies a finished BUILD or reboot, judged from the stored deadline and the site clock,
 * and stores the result. Lazy so that state survives restarts and tests can move a ManualClock.
 */
export function settle(nova: NovaModel, s: ServerRecord): ServerRecord {
  if (s.task_until === null || nova.now() < s.task_until) return s;
  const at = s.task_until;
  if (s.vm_state === 'building' && s.boot_failure) {
    // A scheduling failure (NoValidHost): Nova puts the instance in ERROR with the scheduler's words.
    s.vm_state = 'error';
    s.fault = { code: 500, message: s.boot_failure, created_ms: at };
    s.boot_failure = null;
  } else if (s.vm_state === 'building') {
    const missing = s.bdms.find((b) => {
      const vol = nova.deps.cinder.getVolume(b.volume_id);
      return !vol || vol.status === 'deleting' || vol.status.startsWith('error');
    });
    if (missing) {
      s.vm_state = 'error';
      s.fault = { code: 500, message: `Build of instance ${s.id} aborted: Volume ${missing.volume_id} could not be found.`, created_ms: at };
    } else {
      s.vm_state = 'active';
      s.launched_ms = at;
    }
  }
  s.task_state = null;
  s.task_until = null;
  s.updated_ms = at;
  return nova.servers.put(s);
}

/** Nova's power_state numbers. */
export function powerState(s: Frozen<ServerRecord>): number {
  if (s.vm_state === 'active') return 1;
  if (s.vm_state === 'stopped') return 4;
  return 0;
}

/** The API status from vm_state and task_state, as nova.api.openstack.common.status_from_state. */
export function serverStatus(s: Frozen<ServerRecord>): string {
  if (s.vm_state === 'active') {
    if (s.task_state === 'rebooting') return 'REBOOT';
    if (s.task_state === 'rebooting_hard') return 'HARD_REBOOT';
    return 'ACTIVE';
  }
  return ({ building: 'BUILD', stopped: 'SHUTOFF', error: 'ERROR' } as Record<VmState, string>)[s.vm_state];
}

/** 409 in Nova's words when an action meets a server in the wrong state. */
export function requireState(s: ServerRecord, action: string, allowed: VmState[], taskFree = true): void {
  if (!allowed.includes(s.vm_state)) {
    throw conflict(`Cannot '${action}' instance ${s.id} while it is in vm_state ${s.vm_state}`);
  }
  if (taskFree && s.task_state !== null) {
    throw conflict(`Cannot '${action}' instance ${s.id} while it is in task_state ${s.task_state}`);
  }
}

export function stopServer(nova: NovaModel, s: ServerRecord): void {
  requireState(s, 'stop', ['active', 'error']);
  change(nova, s, (x) => (x.vm_state = 'stopped'));
}

export function startServer(nova: NovaModel, s: ServerRecord): void {
  requireState(s, 'start', ['stopped']);
  change(nova, s, (x) => (x.vm_state = 'active'));
}

export function rebootServer(nova: NovaModel, s: ServerRecord, hard: boolean): void {
  // A hard reboot is how operators recover stopped or errored servers; soft needs a running one.
  requireState(s, 'reboot', hard ? ['active', 'stopped', 'error'] : ['active'], !hard);
  change(nova, s, (x) => {
    x.vm_state = 'active';
    x.fault = null;
    x.task_state = hard ? 'rebooting_hard' : 'rebooting';
    x.task_until = nova.now() + Math.min(nova.ctx.bootTimeMs, 1000);
  });
}

function change(nova: NovaModel, s: ServerRecord, fn: (s: ServerRecord) => void): ServerRecord {
  fn(s);
  s.updated_ms = nova.now();
  return settle(nova, nova.servers.put(s));
}

/**
 * Deletes a server: ports Nova created are deleted, user ports unbound, volumes detached and
 * those marked delete_on_termination deleted. Done at once (clients polling see a 404).
 */
export function deleteServer(nova: NovaModel, s: ServerRecord): void {
  if (s.locked) throw conflict(`Instance ${s.id} is locked`);
  const { cinder, neutron } = nova.deps;
  for (const p of s.ports) {
    if (!neutron.getPort(p.id)) continue;
    if (p.owned) neutron.deletePort(p.id);
    else neutron.unbindPort(p.id);
  }
  for (const b of s.bdms) {
    const vol = cinder.getVolume(b.volume_id);
    if (!vol) continue;
    if (vol.attachments.some((a) => a.server_id === s.id)) cinder.detachVolume(b.volume_id, s.id);
    if (b.delete_on_termination) cinder.deleteVolume(b.volume_id);
  }
  nova.servers.delete(s.id);
}

/** The next free /dev/vdX; the root disk is vda whether local or a volume. */
export function nextDevice(s: ServerRecord): string {
  const used = new Set(s.bdms.map((b) => b.device));
  if (s.image_id !== '') used.add('/dev/vda');
  for (let i = 0; i < 26; i++) {
    const dev = `/dev/vd${String.fromCharCode(97 + i)}`;
    if (!used.has(dev)) return dev;
  }
  throw badRequest('No free device name left on the instance.');
}

/** Attaches a volume through Cinder and records the mapping; Cinder refuses a volume in use. */
export function attachVolume(
  nova: NovaModel,
  s: ServerRecord,
  spec: { volumeId: string; bootIndex?: number | null; deleteOnTermination?: boolean; tag?: string | null },
): BdmRecord {
  const vol = nova.deps.cinder.getVolume(spec.volumeId);
  if (!vol) throw notFound(`Volume ${spec.volumeId} could not be found.`);
  if (s.bdms.some((b) => b.volume_id === vol.id)) throw badRequest(`Invalid volume: volume ${vol.id} already attached`);
  if (vol.status !== 'available') {
    throw badRequest(`Invalid volume: volume '${vol.id}' status must be 'available'. Currently in '${vol.status}' status`);
  }
  const device = nextDevice(s);
  nova.deps.cinder.attachVolume(vol.id, { server_id: s.id, device, host_name: nova.host });
  const bdm: BdmRecord = {
    uuid: uuid(),
    volume_id: vol.id,
    device,
    boot_index: spec.bootIndex ?? null,
    delete_on_termination: spec.deleteOnTermination ?? false,
    tag: spec.tag ?? null,
  };
  s.bdms.push(bdm);
  s.updated_ms = nova.now();
  nova.servers.put(s);
  return bdm;
}

export function detachVolume(nova: NovaModel, s: ServerRecord, volumeId: string): void {
  const bdm = s.bdms.find((b) => b.volume_id === volumeId);
  if (!bdm) throw notFound(`Volume ${volumeId} is not attached to instance ${s.id}.`);
  if (bdm.boot_index === 0) throw badRequest('Cannot detach a root device volume');
  if (nova.deps.cinder.getVolume(volumeId)) nova.deps.cinder.detachVolume(volumeId, s.id);
  s.bdms = s.bdms.filter((b) => b !== bdm);
  s.updated_ms = nova.now();
  nova.servers.put(s);
}

/** Re-throws a dependency's ApiError with Nova's status for it, keeping the message. */
export function asNovaError(err: unknown, status: number): never {
  if (err instanceof ApiError) throw new ApiError(status, err.message);
  throw err;
}

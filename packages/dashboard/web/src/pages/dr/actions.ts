import type { WizardAction } from '../../../../src/shared/operations';

export interface DrActionInfo {
  id: WizardAction;
  label: string;
  /** One line: what it does. */
  what: string;
  /** What it means for data, plainly. */
  data: string;
}

/** The six actions of the DR wizard, in the order an operator meets them. */
export const DR_ACTIONS: DrActionInfo[] = [
  { id: 'test-failover', label: 'Drill (test failover)', what: 'Boots copies of the servers on the other site from a recovery point, in an isolated network; production keeps running.', data: 'No data is lost; production and replication are untouched.' },
  { id: 'test-cleanup', label: 'Drill cleanup', what: 'Removes exactly what the drill created on the other site.', data: 'No data is lost.' },
  { id: 'failover', label: 'Planned failover', what: 'Stops the servers, replicates a final snapshot and brings them up on the other site; both sites must answer.', data: 'No data is lost; the servers are down while it runs.' },
  { id: 'unplanned-failover', label: 'Unplanned failover', what: 'The site running the servers is lost: brings them up on the surviving site alone and fences the old copies.', data: 'Data written after the recovery point used (the newest by default) is lost.' },
  { id: 'point-in-time', label: 'Point-in-time failover', what: 'A planned failover to an older recovery point you choose (after corruption or ransomware, say).', data: 'Everything written after the chosen recovery point is lost.' },
  { id: 'failback', label: 'Failback', what: 'Back to the original site: resynchronises the data, then a planned failover back.', data: 'No data is lost; the servers are down while it runs.' },
];

export const isWizardAction = (v: string | null): v is WizardAction => DR_ACTIONS.some((a) => a.id === v);

/** The user's choices along the wizard. */
export interface DrChoice {
  /** A recovery point id, or null for the newest. */
  recoveryPoint: string | null;
  /** A drill's network on the target, or null for an isolated one. */
  network: string | null;
}

/** The dashboard route and body that run (or, with dry_run, pre-check) the chosen action. */
export function requestOf(a: WizardAction, c: DrChoice): { route: 'test-failover' | 'test-cleanup' | 'failover' | 'failback'; body: Record<string, unknown> } {
  const rp = c.recoveryPoint ? { recovery_point_id: c.recoveryPoint } : {};
  switch (a) {
    case 'test-failover':
      return { route: a, body: { ...rp, ...(c.network ? { network_id: c.network } : {}) } };
    case 'test-cleanup':
      return { route: a, body: {} };
    case 'failover':
      return { route: 'failover', body: {} };
    case 'unplanned-failover':
      return { route: 'failover', body: { unplanned: true, ...rp } };
    case 'point-in-time':
      return { route: 'failover', body: rp };
    case 'failback':
      return { route: 'failback', body: {} };
  }
}

/** Why an action takes no recovery point, said on that step. */
export const NO_RECOVERY_POINT: Partial<Record<WizardAction, string>> = {
  failover: 'A planned failover takes a final snapshot when it starts, so nothing is lost: there is no recovery point to choose.',
  failback: 'A failback resynchronises the data before moving back, so nothing is lost: there is no recovery point to choose.',
  'test-cleanup': 'A drill cleanup restores nothing: there is no recovery point to choose.',
};

// The overview page: both sites' reachability in words, readiness worst first with the API's
// reasons, RPO compliance with a lag chart whose text says what it shows, and running operations
// with their progress linking to the operation's page. The health page per site.
import './dom';
import { render, screen } from '@testing-library/react';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { LagPoint, OverviewView } from '../../../src/shared/overview';
import { describeLag, RpoChart, secondsAbove } from '../../../web/src/components/RpoChart';
import { HealthPage } from '../../../web/src/pages/HealthPage';
import { OverviewPage } from '../../../web/src/pages/OverviewPage';
import { down, up } from './fixtures';
import { cleanup, fakeApi, renderPage } from './harness';

afterEach(() => cleanup());

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const pt = (min: number, lagMin: number): LagPoint => ({ t: new Date(T0 + min * 60_000).toISOString(), lag_seconds: lagMin * 60 });
// Points every 10 min, one transfer late: lag above a 15 min RPO from minute 35 to 40.
const SERIES = [pt(0, 5), pt(10, 15), pt(10, 5), pt(40, 35), pt(40, 2), pt(60, 22)];

const view = (over: Partial<OverviewView> = {}): OverviewView => ({
  sites: [up('site-a'), down('site-b')],
  protection_groups: { total: 3, by_status: { active: 2, error: 1 }, out_of_sync: 3 },
  readiness: {
    ready: 1,
    not_ready: 2,
    rows: [
      { id: 'p3', name: 'broken', status: 'error', failover_ready: false, reasons: ['the protection group is error, not active'] },
      { id: 'p2', name: 'lagging', status: 'active', failover_ready: false, reasons: ['the newest recovery point is 22 min old, beyond the 15 min RPO'] },
      { id: 'p1', name: 'fine', status: 'active', failover_ready: true, reasons: [] },
    ],
  },
  rpo: { window_hours: 1, from: new Date(T0).toISOString(), to: new Date(T0 + 3_600_000).toISOString(), rows: [{ id: 'p2', name: 'lagging', rpo_minutes: 15, lag_seconds: 1320, compliant: false, series: SERIES, series_error: null }] },
  operations: [{ site: 'site-a', id: 'op-1', type: 'test_failover', status: 'running', protection_group_id: 'p1', protection_group: 'fine', steps_done: 3, steps_total: 8, current_step: 'boot_servers', started_at: '2025-03-01T12:58:00.000Z' }],
  problems: [],
  ...over,
});

test('the time above the RPO comes from the sawtooth: only where the line crosses it', () => {
  // 10→40 min climbs 5→35 min lag: above 15 from minute 20 to 40 (20 min); 40→60 climbs 2→22: above from 53 to 60 (7 min).
  assert.equal(secondsAbove(SERIES, 15 * 60), 27 * 60);
  assert.equal(secondsAbove(SERIES, 60 * 60), 0);
  assert.equal(secondsAbove([pt(0, 20), pt(5, 25)], 15 * 60), 5 * 60);
});

test('RpoChart: a picture hidden from screen readers and a text saying what it shows', () => {
  render(<RpoChart name="lagging" series={SERIES} rpoMinutes={15} from={new Date(T0).toISOString()} to={new Date(T0 + 3_600_000).toISOString()} hours={1} />);
  const svg = document.querySelector('svg')!;
  assert.equal(svg.getAttribute('aria-hidden'), 'true');
  assert.equal(svg.querySelectorAll('polyline').length, 1);
  assert.equal(svg.querySelector('polyline')!.getAttribute('points')!.split(' ').length, SERIES.length);
  assert.equal(screen.getByRole('figure').textContent, 'lagging: lag now 22 min, at most 35 min over the last 1 h, against an RPO of 15 min; above the RPO for 27 min (45% of the time shown).');
  assert.equal(describeLag('idle', [], 15, 6), 'idle: no recovery point in the last 6 h, so no lag to show.');
  assert.match(describeLag('ok', [pt(0, 1), pt(10, 11)], 15, 6), /above the RPO at no time shown/);
});

test('the overview: sites in words, readiness worst first with reasons, RPO with its chart, operations with progress linking to them', async () => {
  fakeApi({ 'GET /api/overview': () => view() });
  renderPage(<OverviewPage />);
  await screen.findByRole('heading', { name: 'Overview' });
  const siteB = await screen.findByLabelText('site site-b');
  assert.match(siteB.textContent ?? '', /down.*connection refused/);
  assert.match(screen.getByLabelText('site site-a').textContent ?? '', /up.*answering/);
  const readiness = screen.getByRole('grid', { name: 'Readiness, worst first' }).querySelectorAll('tbody tr');
  assert.deepEqual([...readiness].map((r) => r.querySelector('a')?.textContent), ['broken', 'lagging', 'fine']);
  assert.match(readiness[1]!.textContent ?? '', /active.*not ready.*beyond the 15 min RPO/);
  assert.match(readiness[2]!.textContent ?? '', /ready.*none/);
  const rpo = screen.getByRole('grid', { name: 'RPO compliance' });
  assert.match(rpo.textContent ?? '', /lagging.*22 min.*15 min.*not compliant.*lag now 22 min/);
  const op = screen.getByRole('link', { name: 'test_failover' });
  assert.equal(op.getAttribute('href'), '/operations/site-a/op-1');
  const bar = screen.getByRole('progressbar');
  assert.equal(bar.getAttribute('aria-valuenow'), '37.5');
  assert.equal(bar.getAttribute('aria-valuetext'), '3 of 8 steps done, now boot_servers');
});

test('nothing running, nothing protected, and what could not be read', async () => {
  fakeApi({ 'GET /api/overview': () => view({ readiness: { ready: 0, not_ready: 0, rows: [] }, rpo: { ...view().rpo, rows: [] }, operations: [], problems: ['readiness and RPO unknown: health on site-a: The arrays could not be asked'] }) });
  renderPage(<OverviewPage />);
  await screen.findByText('No operation is running on either site.');
  assert.ok(screen.getByText('No protection group yet.'));
  assert.ok(screen.getByText('readiness and RPO unknown: health on site-a: The arrays could not be asked'));
});

test('the health page: each site’s own answer per PG with reasons; a site that did not answer says why', async () => {
  fakeApi({
    'GET /api/health': () => ({
      sites: [
        {
          ...up('site-a'),
          health: [{ protection_group_id: 'p2', name: 'lagging', status: 'active', replication_type: 'async', link: 'connected', lag_seconds: 1320, newest_recovery_point: 'a:g.7', last_transfer_at: '2025-03-01T12:40:00.000Z', rpo_minutes: 15, rpo_compliant: false, failover_ready: false, reasons: ['the newest recovery point is 22 min old, beyond the 15 min RPO'], transfer_in_progress: true, checked_at: '2025-03-01T12:41:00.000000', state_age_seconds: 125, stale: true, state_error: null },
            { protection_group_id: 'p3', name: 'new', status: 'active', replication_type: 'sync', link: null, lag_seconds: null, newest_recovery_point: null, last_transfer_at: null, rpo_minutes: 15, rpo_compliant: false, failover_ready: false, reasons: ['its replication state has not been read from the arrays yet'], transfer_in_progress: false, checked_at: null, state_age_seconds: null, stale: false, state_error: null }],
        },
        { ...down('site-b'), health: null },
      ],
    }),
  });
  renderPage(<HealthPage />);
  const table = await screen.findByRole('grid', { name: 'Health on site-a' });
  assert.match(table.textContent ?? '', /lagging.*active.*connected.*22 min.*a:g\.7.*2 min 5 s ago stale \(transfer in progress\).*15 min.*not compliant.*not ready.*beyond the 15 min RPO/);
  assert.match(table.textContent ?? '', /new.*unknown \(see the reasons\).*no recovery point yet.*not yet.*has not been read from the arrays yet/);
  assert.match(screen.getByLabelText('site site-b').textContent ?? '', /site-b.*down.*no health.*connection refused/);
});

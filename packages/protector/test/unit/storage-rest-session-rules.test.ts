// The FlashArray REST transport's rules, without a server: error classification, version
// negotiation, retry and rate-limit decisions, query rendering, error bodies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyArrayError, negotiateVersion } from '../../src/storage/flasharray/rest/index.js';
import { parseErrorBody, redact } from '../../src/storage/flasharray/rest/errors.js';
import { describeQuery, encodeQuery } from '../../src/storage/flasharray/rest/query.js';
import { backoffMs, isIdempotentMethod, isRetryableStatus, rateLimitWaitMs } from '../../src/storage/flasharray/rest/retry.js';
import { compareVersions, describeVersions } from '../../src/storage/flasharray/rest/versions.js';
import { code } from '../helpers/storage.js';

test('classifyArrayError: 400 by message, auth and redirects invalid, 429/5xx unreachable, 500/501 and other 4xx failed', () => {
  const cases: [number, string[], string][] = [
    [400, ['Volume does not exist.'], 'not_found'],
    [400, ['Protection group not found.'], 'not_found'],
    [400, ['The snapshot could not be found.'], 'not_found'],
    [400, ['No such volume or snapshot.'], 'not_found'],
    [400, ["volume 'v1' on array 'fa-a' does not exist"], 'not_found'],
    [400, ['Volume already exists.'], 'conflict'],
    [400, ['Protection group already exists.'], 'conflict'],
    [400, ['Volume is already a member of the protection group.'], 'conflict'],
    [400, ['Host already includes volume.'], 'conflict'],
    [400, ['Volume v1 is pending eradication.'], 'conflict'],
    [400, ['Volume has been destroyed.'], 'conflict'],
    [400, ["volume 'v1' on array 'fa-a' must be destroyed before it is eradicated"], 'conflict'],
    [400, ["snapshot 'pg.1' on array 'fa-b' has not finished transferring"], 'conflict'],
    [400, ['Invalid value.', 'Volume does not exist.'], 'not_found'],
    [400, ['Volume already exists.', 'Pod does not exist.'], 'not_found'],
    [400, ['Invalid filter.'], 'failed'],
    [400, [], 'failed'],
    [409, ['Conflict.'], 'conflict'],
    [401, ['Invalid credentials.'], 'invalid'],
    [403, ['Permission denied.'], 'invalid'],
    [302, [], 'invalid'],
    [404, ['Volume does not exist.'], 'failed'],
    [405, [], 'failed'],
    [413, [], 'failed'],
    [429, [], 'unreachable'],
    [500, ['Volume does not exist.'], 'failed'],
    [501, [], 'failed'],
    [502, [], 'unreachable'],
    [503, [], 'unreachable'],
    [504, [], 'unreachable'],
  ];
  for (const [status, messages, want] of cases) assert.equal(classifyArrayError(status, messages), want, `${status} ${messages.join(' | ')}`);
});

test('negotiateVersion: highest common version, numeric order, refusals name both lists and the minimum', () => {
  const range = (major: number, to: number) => Array.from({ length: to + 1 }, (_, i) => `${major}.${i}`);
  assert.equal(negotiateVersion('fa-a', [...range(1, 19), ...range(2, 36), '2.DEV']), '2.20');
  assert.equal(negotiateVersion('fa-a', range(2, 9)), '2.9');
  assert.equal(negotiateVersion('fa-a', range(2, 36), ['2.4', '2.11']), '2.11');
  assert.throws(() => negotiateVersion('fa-a', range(2, 3)), code('invalid', /the array offers 2\.0-2\.3; this client speaks 2\.4-2\.20; the array's newest is 2\.3, older than the minimum 2\.4: /));
  assert.throws(() => negotiateVersion('fa-a', ['2.21', '2.22']), code('invalid', /offers 2\.21-2\.22; this client speaks 2\.4-2\.20; none of them is one this client speaks \(minimum 2\.4/));
  assert.throws(() => negotiateVersion('fa-a', []), code('invalid', /offers \(none\)/));
  assert.ok(compareVersions('2.9', '2.10') < 0);
  assert.equal(describeVersions(['2.1', '2.0', '1.19', '2.2', '2.5', '2.DEV']), '1.19, 2.0-2.2, 2.5, 2.DEV');
});

test('retry decisions: idempotent methods, retryable statuses, back-off, rate-limit waits', () => {
  assert.deepEqual(['GET', 'PATCH', 'DELETE', 'POST'].map(isIdempotentMethod), [true, true, true, false]);
  assert.deepEqual([500, 501, 502, 503, 504, 400, 429].map((s) => isRetryableStatus(s, true)), [false, false, true, true, true, false, false]);
  assert.deepEqual([500, 502, 503, 504].map((s) => isRetryableStatus(s, false)), [false, false, true, false]);
  assert.deepEqual([0, 1, 2, 3].map((n) => backoffMs(500, n)), [500, 1000, 2000, 4000]);
  assert.equal(backoffMs(500, 20), 30_000);
  assert.equal(rateLimitWaitMs({ 'retry-after': '3' }), 3000);
  assert.equal(rateLimitWaitMs({ 'retry-after': '1.5' }), 1500);
  assert.equal(rateLimitWaitMs({ 'retry-after': '0' }), 1000, 'at least a second: Retry-After 0 cannot spin');
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(rateLimitWaitMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now), 5000);
  assert.equal(rateLimitWaitMs({ 'retry-after': 'Wed, 31 Dec 2025 23:00:00 GMT' }, now), 1000);
  assert.equal(rateLimitWaitMs({ 'x-ratelimit-remaining-minute': '0', 'x-ratelimit-remaining-second': '0' }), 60_000);
  assert.equal(rateLimitWaitMs({ 'x-ratelimit-remaining-minute': '40', 'x-ratelimit-remaining-second': '0' }), 1000);
  assert.equal(rateLimitWaitMs({}), 1000);
});

test('queries: encoded with lists comma-joined; shown without tokens or secrets, cut at 200 characters', () => {
  assert.equal(encodeQuery('fa-a', { names: ['a', 'b::c'], x: true, n: 3, u: undefined, f: "name='a b'" }), "names=a%2Cb%3A%3Ac&x=true&n=3&f=name%3D'a%20b'");
  assert.equal(encodeQuery('fa-a', undefined), '');
  assert.throws(() => encodeQuery('fa-a', { names: [] }), code('invalid', /'names' is an empty list/));
  assert.equal(describeQuery({ names: ['pg1', 'pg2'], continuation_token: 'abc', api_token: 's', limit: 10 }), 'names=pg1,pg2&limit=10');
  assert.equal(describeQuery({ names: 'v'.repeat(300) }).length, 201);
});

test('error bodies: FlashArray errors with context, or the start of a body that is not one; secrets redacted', () => {
  assert.deepEqual(parseErrorBody('{"errors":[{"context":"v1","message":"Volume does not exist."},{"message":"x"}]}'), [
    { context: 'v1', message: 'Volume does not exist.' },
    { message: 'x' },
  ]);
  assert.deepEqual(parseErrorBody(''), []);
  assert.deepEqual(parseErrorBody('<html>Bad gateway</html>'), [{ message: '(not JSON) <html>Bad gateway</html>' }]);
  assert.deepEqual(parseErrorBody('{"message":"odd"}'), [{ message: '{"message":"odd"}' }]);
  assert.equal(parseErrorBody(`<p>${'x'.repeat(500)}</p>`)[0]?.message.length, '(not JSON) '.length + 201);
  assert.equal(redact('token abcd-1234 and abcd-1234 again; api xyz9', ['abcd-1234', 'xyz9', null, 'ab']), 'token *** and *** again; api ***');
});

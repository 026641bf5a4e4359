import assert from 'node:assert/strict';
import { connect } from 'node:net';

/** An HTTP answer reduced to what the error-shape checks look at. */
export interface ErrorAnswer {
  status: number;
  requestId: string | null | undefined;
  text: string;
}

/** The parts of a fetch answer (the API harness's `call`) that the checks below look at. */
export const errorAnswer = (r: { status: number; headers: Headers; text: string }): ErrorAnswer => ({
  status: r.status,
  requestId: r.headers.get('x-openstack-request-id'),
  text: r.text,
});

/**
 * Sends bytes as they are over a fresh connection (what fetch refuses to send: broken request
 * lines, header lines, lengths) and parses the one answer the server writes before closing.
 */
export async function rawRequest(baseUrl: string, bytes: string): Promise<ErrorAnswer & { headers: Record<string, string> }> {
  const { hostname, port } = new URL(baseUrl);
  const raw = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname);
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 5 s')), 5000);
    const done = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', done);
    // The server closes after a refusal; a reset after the answer arrived is still an answer.
    socket.on('error', (e) => (chunks.length ? done() : reject(e)));
    socket.write(bytes);
  });
  const split = raw.indexOf('\r\n\r\n');
  assert.ok(split > 0, `an HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`);
  const [statusLine = '', ...lines] = raw.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1]);
  return { status, headers, requestId: headers['x-openstack-request-id'], text: raw.slice(split + 4) };
}

/**
 * The API's error shape, `{"error": {"code", "title", "message"}}` with the status as code, a
 * `req-<uuid>` request id, no Fastify error code, and nothing of the offending input echoed.
 */
export function assertErrorAnswer(a: ErrorAnswer, status: number, where: string, offending?: string): void {
  assert.equal(a.status, status, `${where}: ${a.text.slice(0, 300)}`);
  const body = JSON.parse(a.text) as { error?: Record<string, unknown> };
  assert.deepEqual(Object.keys(body), ['error'], `${where}: ${a.text.slice(0, 300)}`);
  assert.deepEqual(Object.keys(body.error ?? {}).sort(), ['code', 'message', 'title'], where);
  assert.equal(body.error?.code, status, where);
  assert.ok(String(body.error?.title).length > 2, `${where}: a title`);
  assert.ok(String(body.error?.message).length > 10, `${where}: says what is wrong`);
  assert.match(a.requestId ?? '', /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, `${where}: request id`);
  assert.doesNotMatch(a.text, /FST_ERR/, `${where}: a framework error code`);
  if (offending) assert.ok(!a.text.includes(offending), `${where}: echoes the input`);
}

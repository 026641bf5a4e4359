import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, type RenderResult } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';

export interface ApiCall {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string>;
}

type Handler = (call: ApiCall) => { status?: number; body?: unknown } | unknown;

/**
 * The dashboard server as the pages see it: `fetch` answered from the routes given
 * ('GET /api/protection-groups'), every call recorded; an unknown route answers 404.
 */
export function fakeApi(routes: Record<string, Handler>): ApiCall[] {
  const calls: ApiCall[] = [];
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input), 'http://127.0.0.1:8790');
    const method = init?.method ?? 'GET';
    const call: ApiCall = { method, path: url.pathname + url.search, body: init?.body ? JSON.parse(String(init.body)) : undefined, headers: { ...(init?.headers as Record<string, string>) } };
    calls.push(call);
    const h = routes[`${method} ${url.pathname}`];
    if (!h) return new Response(JSON.stringify({ error: { code: 'not_found', message: `no route ${method} ${url.pathname}` } }), { status: 404 });
    const r = h(call) as { status?: number; body?: unknown } | undefined;
    const shaped = r && typeof r === 'object' && ('status' in r || 'body' in r) ? r : { status: 200, body: r };
    if (shaped.status === 204) return new Response(null, { status: 204 });
    return new Response(JSON.stringify(shaped.body ?? null), { status: shaped.status ?? 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return calls;
}

/** Where a page went (any path but its own route): `screen.findByTestId('where')`. */
function Where() {
  const l = useLocation();
  return <p data-testid="where">{l.pathname + l.search}</p>;
}

/** Renders one page at a path (with its route pattern, for useParams), with a fresh query cache; any other path shows where the page went. */
export function renderPage(ui: ReactNode, opts: { path?: string; route?: string } = {}): RenderResult {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[opts.path ?? '/']}>
        <Routes>
          <Route path={opts.route ?? '*'} element={ui} />
          {opts.route !== undefined && opts.route !== '*' && <Route path="*" element={<Where />} />}
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

export { cleanup };

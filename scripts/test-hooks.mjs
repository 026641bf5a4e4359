// Loaded by every test run (scripts/run-tests.mjs), before tsx: the dashboard's pages compile with
// their own tsconfig (JSX; tsx applies it only to the files that config includes), and stylesheet imports (PatternFly's components
// import their CSS, which Vite bundles for the browser) load as empty modules under Node, through
// import (a load hook) and require (PatternFly's CommonJS build).
import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';

process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../packages/dashboard/web/tsconfig.json', import.meta.url));

register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function load(url, context, next) {
  if (url.endsWith('.css')) return { format: 'module', source: '', shortCircuit: true };
  return next(url, context);
}`),
);
Module._extensions['.css'] = () => {};

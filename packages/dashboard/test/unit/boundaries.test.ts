// The dashboard coordinates through the SDK alone: no file of its server or pages reaches into the
// CLI (packages/protectorclient/src/cli), and the SDK's entry point exports no CLI module.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../..', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
const importsOf = (text: string): string[] => [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);

test('no file of the dashboard imports CLI code', () => {
  const sources = [...files(join(pkg, 'src')), ...files(join(pkg, 'web', 'src'))];
  assert.ok(sources.length > 20, 'the scan found the sources');
  const offending = sources.flatMap((f) => importsOf(readFileSync(f, 'utf8')).filter((i) => /protectorclient\/(src|dist)\/cli|\/cli\/|^commander$/.test(i) && !f.endsWith(join('bin', 'protector-dashboard.ts'))).map((i) => `${f}: ${i}`));
  assert.deepEqual(offending, []);
});

test("the SDK's entry point exports no CLI module", () => {
  const index = readFileSync(join(pkg, '..', 'protectorclient', 'src', 'index.ts'), 'utf8');
  assert.deepEqual(importsOf(index).filter((i) => i.includes('cli')), []);
});

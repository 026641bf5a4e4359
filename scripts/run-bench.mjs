#!/usr/bin/env node
// Runs every benchmark (packages/*/test/bench/*.bench.ts) one after another. Benchmarks print
// figures and ratios; only the dashboard's page-load bench also fails over its stated target.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

// `npm run bench -- a,b` runs the benchmarks whose file names contain a or b.
const only = process.argv[2]?.split(',').filter(Boolean);
let failed = false;
for (const pkg of readdirSync('packages')) {
  const dir = join('packages', pkg, 'test', 'bench');
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
    if (only && !only.some((o) => file.includes(o))) continue;
    console.log(`\n== ${join(dir, file)}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit' });
    if (r.status !== 0) failed = true;
  }
}
process.exit(failed ? 1 : 0);

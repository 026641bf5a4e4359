#!/usr/bin/env node
// Runs one test suite with node:test through tsx. Suites live in packages/*/test/<suite>/;
// unit tests may also sit beside the code as src/**/*.test.ts. Node 20 does not expand globs
// itself, so the files are collected here.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2);
if (suites.length === 0) {
  console.error('usage: run-tests.mjs SUITE [SUITE...]   (unit, integration, system)');
  process.exit(2);
}

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) out.push(path);
  }
  return out;
}

// TEST_PACKAGES=protector,cloudsim limits a run to those packages (CI reruns protector's suites on MariaDB).
const only = process.env.TEST_PACKAGES ? process.env.TEST_PACKAGES.split(',') : null;
const files = [];
for (const pkg of readdirSync('packages')) {
  if (only && !only.includes(pkg)) continue;
  for (const suite of suites) {
    walk(join('packages', pkg, 'test', suite), files);
    if (suite === 'unit') walk(join('packages', pkg, 'src'), files);
  }
}
if (files.length === 0) {
  console.error(`no test files for suite(s): ${suites.join(', ')}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? (suites.includes('system') ? '1' : '2');
const args = ['--import', './scripts/test-hooks.mjs', '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files.sort()];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);

#!/usr/bin/env node
// npm links this command when it installs the workspace, before anything is built; the
// command itself is compiled to dist/ by `npm run build` (which `npm start` and `npm test` run).
await import('../dist/bin/protector-dashboard.js');

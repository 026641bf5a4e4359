// Builds the pages into dist/web, which protector-dashboard serves. `npx vite` (from this
// package) serves them with hot reload against a protector-dashboard on :8790.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048,
  },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:8790' } },
});

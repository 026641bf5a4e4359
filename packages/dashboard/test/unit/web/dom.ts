// A browser-like global scope for component tests: imported first by each of them, before React,
// and closed after the file's tests so its timers do not hold the process.
import { GlobalRegistrator } from '@happy-dom/global-registrator';
import { after } from 'node:test';

if (!GlobalRegistrator.isRegistered) GlobalRegistrator.register({ url: 'http://127.0.0.1:8790/' });
after(async () => {
  // Let React's last scheduled work run against the window before it goes.
  await new Promise((r) => setTimeout(r, 100));
  await GlobalRegistrator.unregister();
});

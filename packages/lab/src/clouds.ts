import { cloudsYaml } from '@protector/cloudsim';
import type { LabSite } from './sites.js';

/**
 * The lab's clouds.yaml: per site an admin cloud (`site-a`) and one for the seeded demo tenant
 * (`site-a-demo`), who owns the workloads.
 */
export function labCloudsYaml(sites: LabSite[]): string {
  return cloudsYaml(
    sites.flatMap((s) => {
      const authUrl = `http://127.0.0.1:${s.basePort}/v3`;
      return [
        { name: s.name, authUrl, region: 'RegionOne', password: 'secret' },
        { name: `${s.name}-demo`, authUrl, region: 'RegionOne', username: 'demo', password: 'demo', projectName: 'demo' },
      ];
    }),
  );
}

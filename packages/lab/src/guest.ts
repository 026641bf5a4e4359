import { simUrl, type LabSite } from './sites.js';

/**
 * What a guest does inside a lab server (cloudsim's guest API on the site's control port): writes
 * text at an offset of its boot disk, or reads it back. Data proves a DR step: written on one
 * site, read on the other.
 */
export async function guest(site: LabSite, server: string, verb: 'write' | 'read', offset: number, text: string): Promise<string> {
  const body = verb === 'write' ? { offset, data: Buffer.from(text).toString('base64') } : { offset, length: text.length };
  const r = await fetch(`${simUrl(site)}/sim/servers/${server}/${verb}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`guest ${verb} on ${server} (${site.name}): ${r.status} ${await r.text()}`);
  return verb === 'read' ? Buffer.from(((await r.json()) as { data: string }).data, 'base64').toString() : '';
}

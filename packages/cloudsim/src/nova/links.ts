import { createHash } from 'node:crypto';

/** self and bookmark links as Nova writes them under the endpoint it serves. */
export function resourceLinks(root: string, collection: string, id: string): { rel: string; href: string }[] {
  return [
    { rel: 'self', href: `${root}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${root}/${collection}/${id}` },
  ];
}

/** host → project → hostId. */
const hostIds = new Map<string, Map<string, string>>();

/** Nova's hostId: sha224 of project and host, so tenants cannot learn host names. Remembered: lists show it on every server. */
export function hostId(projectId: string, host: string): string {
  let ofHost = hostIds.get(host);
  if (!ofHost) hostIds.set(host, (ofHost = new Map()));
  let id = ofHost.get(projectId);
  if (id === undefined) {
    id = createHash('sha224').update(projectId + host).digest('hex');
    // Bounded by the projects seen; a simulator has few.
    if (ofHost.size >= 10_000) ofHost.clear();
    ofHost.set(projectId, id);
  }
  return id;
}

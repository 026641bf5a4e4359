import { createHash } from 'node:crypto';

/** self and bookmark links as Nova writes them under the endpoint it serves. */
export function resourceLinks(root: string, collection: string, id: string): { rel: string; href: string }[] {
  return [
    { rel: 'self', href: `${root}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${root}/${collection}/${id}` },
  ];
}

/** Nova's hostId: sha224 of project and host, so tenants cannot learn host names. */
export function hostId(projectId: string, host: string): string {
  return createHash('sha224').update(projectId + host).digest('hex');
}

import { Type, type Static } from 'typebox';
import { answers } from './errors.js';
import { Link } from './pagination.js';

/** One API version as `GET /` and `GET /v1` describe it. */
export const VersionDocument = Type.Object({
  id: Type.String({ description: '`v1.0`' }),
  status: Type.String({ description: 'CURRENT, SUPPORTED or DEPRECATED' }),
  version: Type.String({ description: 'Highest microversion, e.g. `1.0`' }),
  min_version: Type.String(),
  updated: Type.String(),
  links: Type.Array(Link),
  'media-types': Type.Optional(Type.Array(Type.Object({ base: Type.String(), type: Type.String() }))),
});
export type VersionDocument = Static<typeof VersionDocument>;

export const VersionsDocument = Type.Object({ versions: Type.Array(VersionDocument) }, { description: 'The API versions offered' });
export type VersionsDocument = Static<typeof VersionsDocument>;

/** Version discovery, as every OpenStack API serves it: no token needed. */
export const VersionRoutes = {
  list: { response: answers({ 200: VersionsDocument }) },
  show: { response: answers({ 200: Type.Object({ version: VersionDocument }, { description: 'The v1 API' }) }) },
};

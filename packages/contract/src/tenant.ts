import type { Static } from 'typebox';
import { Id, Obj } from './common.js';

/** Path parameters of tenant routes: the URL's project must be the token's (admins may name any). */
export const ProjectParams = Obj({ project_id: Id });
export const PgParams = Obj({ project_id: Id, pg_id: Id });
export type PgParams = Static<typeof PgParams>;

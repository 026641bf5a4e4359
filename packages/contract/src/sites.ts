import { Type, type Static } from 'typebox';
import { ArrayName, Description, HttpUrl, IdParams, Name, Nullable, NoQuery, Obj, Secret, ShowSecretsQuery, StringEnum, Timestamp } from './common.js';
import { answers, NoContent } from './errors.js';
import { ListQuery, listOf } from './pagination.js';

// ---- requests ----

const CredentialsInput = Obj({
  username: Name,
  password: Secret,
  user_domain_name: Type.Optional(Name),
  project_name: Name,
  project_domain_name: Type.Optional(Name),
});

const ArrayInput = Obj({ name: ArrayName, url: Type.Optional(Type.Union([HttpUrl, Type.Null()])), api_token: Type.Optional(Type.Union([Secret, Type.Null()])) });

export const SiteCreate = Obj({
  name: Name,
  description: Type.Optional(Description),
  /** The site this Protector service runs on (one per service). */
  is_local: Type.Optional(Type.Boolean()),
  auth_url: HttpUrl,
  region_name: Name,
  credentials: CredentialsInput,
  array: ArrayInput,
});
export type SiteCreate = Static<typeof SiteCreate>;

export const SiteUpdate = Obj(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    auth_url: Type.Optional(HttpUrl),
    region_name: Type.Optional(Name),
    credentials: Type.Optional(Type.Partial(CredentialsInput, { additionalProperties: false })),
    array: Type.Optional(Type.Partial(ArrayInput, { additionalProperties: false })),
  },
  { minProperties: 1 },
);
export type SiteUpdate = Static<typeof SiteUpdate>;

// ---- responses ----

/** The service credentials Protector keeps for a site; the password only with show_secrets. */
export const SiteCredentials = Type.Object({
  username: Type.String(),
  user_domain_name: Type.String(),
  project_name: Type.String(),
  project_domain_name: Type.String(),
  password: Type.Optional(Type.String({ description: 'Only with show_secrets, for callers allowed protector:secrets:show' })),
});
export type SiteCredentials = Static<typeof SiteCredentials>;

export const SiteArray = Type.Object({
  name: Type.String(),
  url: Nullable(Type.String()),
  api_token: Type.Optional(Nullable(Type.String({ description: 'Only with show_secrets, for callers allowed protector:secrets:show' }))),
});
export type SiteArray = Static<typeof SiteArray>;

/** A registered site (`/v1/admin/sites`). */
export const Site = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  is_local: Type.Boolean(),
  auth_url: Type.String(),
  region_name: Type.String(),
  credentials: SiteCredentials,
  array: SiteArray,
  paired: Type.Boolean({ description: 'Whether this service shares a pairing secret with the (peer) site; the secret is never shown' }),
  paired_at: Nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Site = Static<typeof Site>;

/** At least 256 bits as base64url (43 characters); the registering client generates it. */
export const PairingInput = Obj({ secret: Type.String({ minLength: 43, maxLength: 255, pattern: '^[A-Za-z0-9_=+/-]+$', description: 'The secret the two sites share; write-only.' }) });
export type PairingInput = Static<typeof PairingInput>;

/** The answer to setting a pairing secret (DESIGN §5.6). */
export const SitePairing = Type.Object({
  site_id: Type.String(),
  site_name: Type.String(),
  paired: Type.Boolean(),
  rotated: Type.Boolean({ description: 'A secret was set before and this one replaced it (the one before still verifies)' }),
  paired_at: Nullable(Timestamp),
});
export type SitePairing = Static<typeof SitePairing>;

export const SITE_CHECK_SERVICES = ['keystone', 'nova', 'cinder', 'neutron', 'glance', 'array'] as const;
export type SiteCheckService = (typeof SITE_CHECK_SERVICES)[number];

export const SiteCheck = Type.Object({ service: StringEnum(SITE_CHECK_SERVICES), status: StringEnum(['ok', 'error'] as const), detail: Type.String() });
export type SiteCheck = Static<typeof SiteCheck>;

/** `POST …/sites/{id}/validate`: every service of the site checked with the stored credentials. */
export const SiteValidation = Type.Object({ site_id: Type.String(), ok: Type.Boolean(), checks: Type.Array(SiteCheck) });
export type SiteValidation = Static<typeof SiteValidation>;

/** A volume type Protector can protect: replication on, of one replication type. */
export const ReplicatedVolumeType = Type.Object({
  id: Type.String(),
  name: Type.String(),
  replication_type: StringEnum(['async', 'sync'] as const),
  extra_specs: Type.Record(Type.String(), Type.String()),
});
export type ReplicatedVolumeType = Static<typeof ReplicatedVolumeType>;

const SiteAnswer = Type.Object({ site: Site }, { description: 'The site' });

/** `/v1/admin/sites`: registration of the two sites of the pair (admin only). */
export const SiteRoutes = {
  list: { querystring: ListQuery, response: answers({ 200: listOf('sites', Site) }) },
  create: { querystring: NoQuery, body: Obj({ site: SiteCreate }), response: answers({ 201: SiteAnswer }) },
  show: { params: IdParams, querystring: ShowSecretsQuery, response: answers({ 200: SiteAnswer }) },
  update: { params: IdParams, querystring: NoQuery, body: Obj({ site: SiteUpdate }), response: answers({ 200: SiteAnswer }) },
  delete: { params: IdParams, querystring: NoQuery, response: answers({ 204: NoContent }) },
  pair: { params: IdParams, querystring: NoQuery, body: Obj({ pairing: PairingInput }), response: answers({ 200: Type.Object({ pairing: SitePairing }, { description: 'The site is paired' }) }) },
  validate: { params: IdParams, querystring: NoQuery, response: answers({ 200: Type.Object({ validation: SiteValidation }, { description: 'What each service answered' }) }) },
  volumeTypes: { params: IdParams, querystring: NoQuery, response: answers({ 200: Type.Object({ volume_types: Type.Array(ReplicatedVolumeType) }, { description: 'The replication-enabled volume types' }) }) },
};

import type { DocumentResources, MetadataDocument } from '@protector/contract';
import type { MemberDetails, PgResources, ProtectionGroup, ResourceMapping } from '../db/protection-groups.js';
import { mapResourceSites } from '../db/protection-groups.js';
import type { Site } from '../db/sites.js';
import type { TenantMapping } from '../db/tenant-mappings.js';
import { replicationGroupName } from '../storage/naming.js';
import { seal, sign, unseal, verify } from './signing.js';

/*
 * The cross-site metadata document (DESIGN §5). Two kinds of content: what the user decided
 * (name, description, policy, mappings, the member list), relayed as it is and validated by the
 * receiving site; and what a site's engine established (`facts`: states, array construct, volume
 * and port records, what failovers and drills brought up), signed with the pair's secret by the
 * site that hands the document out. Trust ids travel sealed: the peer needs them, tenants must
 * never read them.
 */

export type { DocumentFacts, MetadataDocument } from '@protector/contract';

/** What a verified document changes on the receiving site, in this site's ids. */
export type AcceptedDocument = Pick<ProtectionGroup, 'name' | 'description' | 'replication_type' | 'status' | 'primary_site_id' | 'secondary_site_id' | 'current_primary_site_id' | 'resources'> & {
  members: { server_id: string; name: string; boot_order: number; details: MemberDetails }[];
  policy: MetadataDocument['policy'];
  resource_mappings: ResourceMapping[];
};

/** A pushed document this site will not store; the API answers 409 with the reason. */
export class DocumentRefused extends Error {}

const wireArray = (a: NonNullable<PgResources['array']>): NonNullable<DocumentResources['array']> => ({ type: a.type, name: a.name, source_array: a.sourceArray, target_array: a.targetArray });

/** The resources without trust ids, array handle in snake_case. */
export function wireResources(r: PgResources): DocumentResources {
  const { sites, array, ...rest } = r;
  return {
    ...rest,
    sites: Object.fromEntries(Object.entries(sites).map(([id, s]) => [id, { ...(s.group_type_id ? { group_type_id: s.group_type_id } : {}), ...(s.group_id ? { group_id: s.group_id } : {}) }])),
    ...(array ? { array: wireArray(array) } : {}),
  };
}

/** The two sites of the PG as this site registered them; the peer's row holds the pairing secret. */
function pairOf(sites: readonly Site[], pg: Pick<ProtectionGroup, 'primary_site_id' | 'secondary_site_id'>): { local: Site | undefined; peer: Site | undefined } {
  const mine = sites.filter((s) => s.id === pg.primary_site_id || s.id === pg.secondary_site_id);
  return { local: mine.find((s) => s.is_local), peer: mine.find((s) => !s.is_local) };
}

/** The secrets that verify (current first, then the one before the last rotation). */
export const pairingSecrets = (peer: Site | undefined): string[] => (peer?.pairing ? [peer.pairing.current, ...(peer.pairing.previous ? [peer.pairing.previous] : [])] : []);

const signedPayload = (doc: Pick<MetadataDocument, 'protection_group' | 'sites' | 'facts'>) => ({
  pg_id: doc.protection_group.id,
  replication_type: doc.protection_group.replication_type,
  sites: doc.sites,
  facts: doc.facts,
});

/** The signature a site puts on a document it hands out. */
export const signDocument = (secret: string, doc: Omit<MetadataDocument, 'signature'>): string => sign(secret, signedPayload(doc));

export interface DocumentSource {
  pg: ProtectionGroup;
  members: { server_id: string; name: string; boot_order: number; details: MemberDetails }[];
  policy: MetadataDocument['policy'];
  mappings: ResourceMapping[];
  /** Every site registered here. */
  sites: readonly Site[];
}

/** This site's copy of the PG as a document, its facts signed (when the pair is paired). */
export function buildDocument(src: DocumentSource): MetadataDocument {
  const { pg } = src;
  const { local, peer } = pairOf(src.sites, pg);
  const secret = pairingSecrets(peer)[0];
  const trusts = Object.fromEntries(Object.entries(pg.resources.sites).flatMap(([id, s]) => (s.trust_id ? [[id, s.trust_id]] : [])));
  const ids = [pg.primary_site_id, pg.secondary_site_id];
  const doc: Omit<MetadataDocument, 'signature'> = {
    protection_group: { id: pg.id, name: pg.name, description: pg.description, replication_type: pg.replication_type },
    sites: src.sites.filter((s) => ids.includes(s.id)).map((s) => ({ id: s.id, name: s.name })),
    members: src.members.map((m) => ({ server_id: m.server_id, name: m.name, boot_order: m.boot_order })),
    policy: src.policy,
    resource_mappings: src.mappings,
    facts: {
      signed_by: local?.name ?? '',
      project_id: pg.project_id,
      version: pg.metadata_version,
      status: pg.status,
      primary_site_id: pg.primary_site_id,
      secondary_site_id: pg.secondary_site_id,
      current_primary_site_id: pg.current_primary_site_id,
      resources: wireResources(pg.resources),
      members: Object.fromEntries(src.members.map((m) => [m.server_id, m.details])),
      trusts: secret ? seal(secret, trusts) : null,
    },
  };
  return { ...doc, signature: secret ? signDocument(secret, doc) : null };
}

export interface PushContext {
  /** The project in the URL (the caller's). */
  projectId: string;
  pgId: string;
  /** The version the push stores. */
  version: number;
  /** Every site registered here. */
  sites: readonly Site[];
  tenantMappings: readonly TenantMapping[];
}

/**
 * Checks a pushed document before anything is stored: the signature over its facts (so array
 * names, volume records and trust ids are a site's, not the client's), who signed it and for which
 * project, and that the user's part names nothing the facts do not vouch for. Returns what to
 * store in this site's ids; throws DocumentRefused naming the reason.
 */
export function acceptDocument(doc: MetadataDocument, ctx: PushContext): AcceptedDocument {
  const f = doc.facts;
  if (doc.protection_group.id !== ctx.pgId) throw new DocumentRefused(`the document is for protection group ${doc.protection_group.id}, not ${ctx.pgId}`);
  const clear = Object.entries(f.resources.sites).find(([, s]) => (s as { trust_id?: unknown }).trust_id !== undefined);
  if (clear) throw new DocumentRefused(`it names a trust id for site ${clear[0]} in the clear; trust ids only travel sealed, in facts.trusts`);
  const local = ctx.sites.find((s) => s.is_local);
  if (!local) throw new DocumentRefused('no local site is registered on this Protector service');
  const signer = ctx.sites.find((s) => s.name === f.signed_by);
  if (!signer) throw new DocumentRefused(`its facts are signed by '${f.signed_by}', which is not a site registered here`);
  const peer = signer.is_local ? ctx.sites.find((s) => !s.is_local && doc.sites.some((d) => d.name === s.name)) : signer;
  const secrets = pairingSecrets(peer);
  if (secrets.length === 0) {
    throw new DocumentRefused(`this site is not paired with ${peer?.name ?? 'its peer'}: an administrator must pair the two sites ('protector site pair') before documents can be exchanged`);
  }
  if (doc.signature === null) throw new DocumentRefused(`its facts are not signed: ${f.signed_by} was not paired when it handed the document out; pair the sites and push again`);
  if (!verify(secrets, signedPayload(doc), doc.signature)) {
    throw new DocumentRefused(`the signature over its site facts does not verify: they were changed after ${f.signed_by} signed them, or the two sites hold different pairing secrets`);
  }
  // Signed, so a site wrote these facts; now whose project they belong to.
  if (signer.is_local) {
    if (f.project_id !== ctx.projectId) throw new DocumentRefused(`its facts belong to project ${f.project_id} on ${signer.name}, not to project ${ctx.projectId}`);
  } else {
    const mapped = ctx.tenantMappings.find((m) => m.local_project_id === ctx.projectId && m.remote_site_id === signer.id);
    if (!mapped) throw new DocumentRefused(`project ${ctx.projectId} has no tenant mapping to site ${signer.name}, so no document of ${signer.name}'s can be stored in it`);
    if (mapped.remote_project_id !== f.project_id) {
      throw new DocumentRefused(`its facts belong to project ${f.project_id} on ${signer.name}, but project ${ctx.projectId} is mapped to project ${mapped.remote_project_id} there`);
    }
  }
  if (f.version > ctx.version) throw new DocumentRefused(`its facts were signed at version ${f.version}; they cannot be stored as the older version ${ctx.version}`);

  // The user's part: the member list must be the members the facts describe.
  const listed = new Set<string>();
  for (const m of doc.members) {
    if (listed.has(m.server_id)) throw new DocumentRefused(`server ${m.server_id} is listed twice as a member`);
    if (!f.members[m.server_id]) throw new DocumentRefused(`member ${m.server_id} is not among the members ${f.signed_by} recorded for this protection group`);
    listed.add(m.server_id);
  }
  const unlisted = Object.keys(f.members).filter((id) => !listed.has(id));
  if (unlisted.length > 0) throw new DocumentRefused(`the member list leaves out ${unlisted.join(', ')}, which ${f.signed_by} recorded as members`);

  // Site ids are local to each deployment: translate the document's to ours by name.
  const translate = (id: string): string => {
    if (ctx.sites.some((s) => s.id === id)) return id;
    const name = doc.sites.find((s) => s.id === id)?.name;
    const mine = name === undefined ? undefined : ctx.sites.find((s) => s.name === name);
    if (!mine) throw new DocumentRefused(`it names site ${name ?? id}, which is not registered here`);
    return mine.id;
  };
  const primary = translate(f.primary_site_id);
  const secondary = translate(f.secondary_site_id);
  const pairIds = [local.id, peer?.id];
  if (!pairIds.includes(primary) || !pairIds.includes(secondary) || primary === secondary) {
    throw new DocumentRefused(`its protection group spans ${f.primary_site_id} and ${f.secondary_site_id}, not this site and its peer`);
  }
  const array = f.resources.array;
  if (array) {
    // The construct is named from the PG id and spans the pair's arrays: another PG's can never pass.
    if (array.type !== doc.protection_group.replication_type) throw new DocumentRefused(`its array construct is ${array.type}, the protection group ${doc.protection_group.replication_type}`);
    if (array.name !== replicationGroupName(ctx.pgId)) throw new DocumentRefused(`its array construct '${array.name}' is not this protection group's`);
    const arrays = [local.array.name, peer?.array.name];
    if (!arrays.includes(array.source_array) || !arrays.includes(array.target_array)) {
      throw new DocumentRefused(`its array construct spans ${array.source_array} and ${array.target_array}, not the arrays of this site pair`);
    }
  }
  const trusts = f.trusts === null ? {} : unseal<Record<string, string>>(secrets, f.trusts);
  if (!trusts) throw new DocumentRefused('its sealed trust ids cannot be opened with the pairing secret');
  const { array: wa, sites: ws, ...rest } = f.resources;
  const resources = mapResourceSites(
    {
      ...rest,
      sites: Object.fromEntries(Object.keys({ ...ws, ...trusts }).map((id) => [id, { ...ws[id], ...(trusts[id] ? { trust_id: trusts[id] } : {}) }])),
      ...(wa ? { array: { type: wa.type, name: wa.name, sourceArray: wa.source_array, targetArray: wa.target_array } } : {}),
    },
    (id) => translate(id),
  );
  return {
    name: doc.protection_group.name,
    description: doc.protection_group.description,
    replication_type: doc.protection_group.replication_type,
    status: f.status,
    primary_site_id: primary,
    secondary_site_id: secondary,
    current_primary_site_id: translate(f.current_primary_site_id),
    resources,
    members: doc.members.map((m) => ({ ...m, details: f.members[m.server_id] as MemberDetails })),
    policy: doc.policy,
    resource_mappings: doc.resource_mappings.map((m) => ({ ...m, source_site_id: translate(m.source_site_id) })),
  };
}

/** The admin pages' JSON (/api/admin/…): each site's registrations and tenant mappings. */
import type { ReplicatedVolumeType, Site, SiteValidation, TenantMapping } from '@protector/contract';

/** What one of the pair's protector APIs answered, or why it did not. */
export interface PerSite<T> {
  site: string;
  /** Null when that site was not asked (not logged in) or refused; `error` says why. */
  items: T[] | null;
  error: { code: string; message: string } | null;
}

export interface AdminSitesView {
  sites: PerSite<Site>[];
}

export interface AdminTenantMappingsView {
  sites: PerSite<TenantMapping>[];
}

export interface SiteValidationView {
  site: string;
  validation: SiteValidation;
}

export interface VolumeTypesView {
  site: string;
  volume_types: ReplicatedVolumeType[];
}

/** POST /api/admin/sites: a registration on `site`'s protector API (the CLI's `site create`). */
export interface SiteRegistrationInput {
  site: string;
  name: string;
  description?: string;
  is_local?: boolean;
  auth_url: string;
  region_name?: string;
  credentials: { username: string; password: string; project_name?: string; user_domain_name?: string; project_domain_name?: string };
  array: { name: string; url?: string | null; api_token?: string | null };
}

/** POST /api/admin/tenant-mappings (the CLI's `tenant-mapping create`). */
export interface TenantMappingInput {
  site: string;
  local_project_id: string;
  /** The peer's registration on `site`, by id or name. */
  remote_site: string;
  remote_project_id: string;
  description?: string;
}

import type { SiteContext } from '../context.js';
import type { CinderModel } from '../cinder/model.js';
import type { GlanceModel } from '../glance/model.js';
import type { NeutronModel } from '../neutron/model.js';

/** Nova's state for one site. */
export class NovaModel {
  constructor(
    readonly ctx: SiteContext,
    readonly deps: { cinder: CinderModel; neutron: NeutronModel; glance: GlanceModel },
  ) {}
}

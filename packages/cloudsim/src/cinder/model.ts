import type { SiteContext } from '../context.js';
import type { GlanceModel } from '../glance/model.js';

/** Cinder's state for one site. */
export class CinderModel {
  constructor(
    readonly ctx: SiteContext,
    readonly deps: { glance: GlanceModel },
  ) {}
}

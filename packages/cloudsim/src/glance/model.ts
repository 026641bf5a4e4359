import type { SiteContext } from '../context.js';


/** Glance's state for one site. */
export class GlanceModel {
  constructor(
    readonly ctx: SiteContext,
  ) {}
}

import type { SiteContext } from '../context.js';


/** Neutron's state for one site. */
export class NeutronModel {
  constructor(
    readonly ctx: SiteContext,
  ) {}
}

import type { Image, ImageListFilter } from './glance-types.js';
import { ServiceApi, ServiceClient, seg } from './service-api.js';
import type { KeystoneSession } from './session.js';

/** Glance v2; the catalog URL is the service root, so paths carry /v2. */
export class GlanceClient extends ServiceClient {
  constructor(session: KeystoneSession) {
    super(new ServiceApi(session, { service: 'glance', catalogTypes: ['image'] }));
  }

  async getImage(id: string): Promise<Image> {
    // Glance answers an image as a bare object, not wrapped in {"image": …}.
    return this.api.get<Image>(`/v2/images/${seg(id)}`);
  }

  /** All pages (Glance's `next` link). */
  async listImages(filter: ImageListFilter = {}): Promise<Image[]> {
    return this.api.listAll<Image>('/v2/images', 'images', { ...filter });
  }

  /** The one image with this exact name visible to the caller; undefined when none. */
  async findImageByName(name: string): Promise<Image | undefined> {
    return (await this.listImages({ name }))[0];
  }
}

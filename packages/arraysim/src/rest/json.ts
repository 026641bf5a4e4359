/** What the REST face sends: plain JSON values, so renderers cannot leak model internals. */
export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

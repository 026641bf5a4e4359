/** JSON-schema pieces the Neutron routes share; limits are Neutron's attribute limits. */

export const nameSchema = { type: 'string', maxLength: 255 } as const;
export const descriptionSchema = { type: 'string', maxLength: 255 } as const;
export const projectSchema = { type: 'string', maxLength: 255 } as const;
export const uuidSchema = { type: 'string', pattern: '^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$' } as const;
export const ipSchema = { type: 'string', maxLength: 64 } as const;
export const ownerProps = { project_id: projectSchema, tenant_id: projectSchema } as const;

/** A create body: {"network": {...}} or, for bulk create, {"networks": [{...}, ...]}. */
export function createBody(singular: string, plural: string, item: object) {
  return {
    type: 'object',
    properties: { [singular]: item, [plural]: { type: 'array', items: item, minItems: 1, maxItems: 1000 } },
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
  } as const;
}

/** An update body: {"network": {...}} with at least one attribute. */
export function updateBody(singular: string, item: object) {
  return { type: 'object', required: [singular], properties: { [singular]: item }, additionalProperties: false } as const;
}

export const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 255 } }, required: ['id'] } as const;

/** The one-resource or bulk form of a create body, as a list. */
export function itemsOf<T>(body: Record<string, T | T[] | undefined>, singular: string, plural: string): { items: T[]; bulk: boolean } {
  const many = body[plural];
  if (Array.isArray(many)) return { items: many, bulk: true };
  const one = body[singular];
  return { items: one === undefined ? [] : [one as T], bulk: false };
}

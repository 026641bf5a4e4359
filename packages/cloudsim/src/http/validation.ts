/** Shape of one ajv error as Fastify hands it over. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/**
 * Names the field a schema error is about, in dotted form (server.networks.0.uuid), and says
 * why in jsonschema's words, as Nova's and Cinder's validators do.
 */
export function describeValidation(errors: SchemaError[], context?: string): { field: string; reason: string } {
  const e = errors[0];
  if (!e) return { field: context ?? 'body', reason: 'Invalid input.' };
  const path = e.instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let reason = e.message ?? 'is invalid';
  switch (e.keyword) {
    case 'required': {
      const missing = String(e.params.missingProperty);
      path.push(missing);
      reason = `'${missing}' is a required property`;
      break;
    }
    case 'additionalProperties': {
      const extra = String(e.params.additionalProperty);
      path.push(extra);
      reason = `Additional properties are not allowed ('${extra}' was unexpected)`;
      break;
    }
    case 'type':
      reason = `is not of type '${String(e.params.type)}'`;
      break;
    case 'maxLength':
      reason = `is too long (at most ${String(e.params.limit)} characters)`;
      break;
    case 'minLength':
      reason = `is too short (at least ${String(e.params.limit)} characters)`;
      break;
    case 'enum':
      reason = `is not one of ${JSON.stringify(e.params.allowedValues)}`;
      break;
    case 'pattern':
      reason = `does not match '${String(e.params.pattern)}'`;
      break;
    case 'format':
      reason = `is not a '${String(e.params.format)}'`;
      break;
    case 'minimum':
    case 'maximum':
      reason = `${e.message ?? ''}`;
      break;
  }
  const field = path.length > 0 ? path.join('.') : (context ?? 'body');
  return { field, reason };
}

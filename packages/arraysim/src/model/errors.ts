/** Why an array call failed; the REST face will map these to FlashArray error bodies and HTTP statuses. */
export type ArrayErrorCode = 'not_found' | 'conflict' | 'invalid' | 'unreachable' | 'failed';

export class ArrayError extends Error {
  constructor(
    readonly code: ArrayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ArrayError';
  }
}

/*
 * Messages carry the phrases FlashArray's own messages carry, because idempotent callers (Cinder's
 * Pure driver, Protector's) recognise a refusal by them: "does not exist", "already exists",
 * "already a member" / "not a member", "already includes", "has been destroyed", "pending
 * eradication". `what` names the object, e.g. "Volume 'v1'" or "Protection group 'pg1'".
 */
const sentence = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;

export const notFound = (what: string): ArrayError => new ArrayError('not_found', sentence(`${what} does not exist`));
export const conflict = (msg: string): ArrayError => new ArrayError('conflict', sentence(msg));
export const invalid = (field: string, msg: string): ArrayError => new ArrayError('invalid', `${field}: ${msg}`);

export const alreadyExists = (what: string): ArrayError => conflict(`${what} already exists`);
/** Using an object that is destroyed (pending eradication) as if it were live. */
export const destroyed = (what: string): ArrayError => conflict(`${what} has been destroyed`);
/** Creating an object whose name a destroyed one still holds; deliberately not "already exists". */
export const namePendingEradication = (what: string): ArrayError =>
  conflict(`${what} has been destroyed and is pending eradication; eradicate it before reusing the name`);
export const notDestroyed = (what: string): ArrayError => conflict(`${what} is not destroyed`);
export const mustDestroyFirst = (what: string): ArrayError => conflict(`${what} must be destroyed before it can be eradicated`);
export const alreadyMember = (member: string, group: string): ArrayError => conflict(`${member} is already a member of ${group}`);
export const notMember = (member: string, group: string): ArrayError => new ArrayError('not_found', sentence(`${member} is not a member of ${group}`));
export const alreadyIncludes = (group: string, member: string): ArrayError => conflict(`${group} already includes ${member}`);

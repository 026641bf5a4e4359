import { Type, type Static, type TSchema } from 'typebox';

/** Every 4xx and 5xx answer: `{"error": {"code": 409, "title": "Conflict", "message": "…"}}` (DESIGN §3). */
export const ErrorBody = Type.Object(
  { error: Type.Object({ code: Type.Integer(), title: Type.String(), message: Type.String() }) },
  { description: 'An error, in the OpenStack shape; x-openstack-request-id ties it to the log' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** 204: nothing in the body. */
export const NoContent = Type.Null({ description: 'No Content' });

/** A route's answers: its success bodies by status code, and the error shape for every failure. */
export const answers = <T extends Record<number, TSchema>>(ok: T) => ({ ...ok, '4xx': ErrorBody, '5xx': ErrorBody });

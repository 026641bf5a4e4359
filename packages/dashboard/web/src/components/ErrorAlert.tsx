import { Alert } from '@patternfly/react-core';
import { messageOf } from '../api/client';

/** A failed call's message under a title saying what did not happen; nothing when there is no error. */
export function ErrorAlert({ error, title }: { error: unknown; title: string }) {
  if (error === null || error === undefined) return null;
  return (
    <Alert variant="danger" isInline title={title}>
      {messageOf(error)}
    </Alert>
  );
}

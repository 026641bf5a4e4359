import { Alert, Bullseye, Spinner } from '@patternfly/react-core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { messageOf } from '../api/client';

/** A read's loading spinner or error, or its content once the data is there. */
export function QueryState<T>({ q, what, children }: { q: UseQueryResult<T>; what: string; children: (data: T) => ReactNode }) {
  if (q.data !== undefined) return <>{children(q.data)}</>;
  if (q.isError) return <Alert variant="danger" isInline title={`Could not read ${what}`}>{messageOf(q.error)}</Alert>;
  return (
    <Bullseye>
      <Spinner aria-label={`Loading ${what}`} />
    </Bullseye>
  );
}

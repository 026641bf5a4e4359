import { Bullseye, Button, Spinner } from '@patternfly/react-core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

/**
 * A check the server runs without changing anything (a create's dry run, a DR action's
 * pre-check): a spinner the first time, why it could not run, or its answer; then a button to run
 * it again.
 */
export function DryRunResult<T>({ check, running, failed, again, children }: { check: UseQueryResult<T>; running: string; failed: string; again: string; children: (answer: T) => ReactNode }) {
  if (check.isFetching && !check.data) {
    return (
      <Bullseye>
        <Spinner aria-label={running} />
      </Bullseye>
    );
  }
  const answer = check.isError ? <ErrorAlert error={check.error} title={failed} /> : check.data !== undefined ? children(check.data) : null;
  if (answer === null) return null;
  return (
    <>
      {answer}
      <Button variant="secondary" onClick={() => void check.refetch()} isDisabled={check.isFetching}>
        {again}
      </Button>
    </>
  );
}

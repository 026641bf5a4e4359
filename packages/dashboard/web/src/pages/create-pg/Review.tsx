import { Alert, Bullseye, Button, Content, PageSection, Spinner, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { PgCreated, PgCreatePlan, PgSetupView } from '../../../../src/shared/pg-lifecycle';
import { get, messageOf } from '../../api/client';
import { pollEvery, POLL_FAST_MS } from '../../api/poll';
import { StatusLabel } from '../../components/StatusLabel';

const enc = encodeURIComponent;

/** The review step: the dry run's steps, or every problem it found (Create stays disabled until none is left). */
export function ReviewStep({ check }: { check: UseQueryResult<PgCreatePlan> }) {
  const again = (
    <Button variant="secondary" onClick={() => void check.refetch()} isDisabled={check.isFetching}>
      Check again
    </Button>
  );
  if (check.isFetching && !check.data) {
    return (
      <Bullseye>
        <Spinner aria-label="Checking" />
      </Bullseye>
    );
  }
  if (check.isError) {
    return (
      <>
        <Alert variant="danger" isInline title="The check could not run">
          {messageOf(check.error)}
        </Alert>
        {again}
      </>
    );
  }
  const plan = check.data;
  if (!plan) return null;
  return (
    <>
      {plan.ok ? (
        <Alert variant="success" isInline title={`Every check passed: Create does this on ${plan.site}${plan.peer ? ` and ${plan.peer}` : ''}`}>
          <ol>
            {plan.steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
        </Alert>
      ) : (
        <Alert variant="danger" isInline title={`${plan.problems.length} problem${plan.problems.length === 1 ? '' : 's'}: nothing can be created until they are fixed`}>
          <ul>
            {plan.problems.map((p, i) => (
              <li key={i}>
                <strong>{p.field}</strong>: {p.message}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {again}
    </>
  );
}

/**
 * After Create: the server's progress through the create, the policy, the mappings and each member
 * (every step an operation or a change pushed to the peer), polled every 2 s until all have ended,
 * each operation linked to its page.
 */
export function SetupProgress({ created }: { created: PgCreated }) {
  const id = created.protection_group.id;
  const q = useQuery({
    queryKey: ['pg-setup', id],
    queryFn: () => get<PgSetupView>(`/api/protection-groups/${enc(id)}/setup`),
    initialData: created.setup,
    refetchInterval: (qq) => (qq.state.data?.status === 'running' ? pollEvery(POLL_FAST_MS) : false),
  });
  const v = q.data;
  return (
    <PageSection>
      <Title headingLevel="h1">
        Creating {v.name} on {v.site} <StatusLabel value={v.status} />
      </Title>
      {v.status === 'completed' && (
        <Alert variant="success" isInline title={`Protection group ${v.name} is ready`}>
          <Link to={`/protection-groups/${enc(v.name)}`}>Open protection group {v.name}</Link>
        </Alert>
      )}
      {v.status === 'failed' && (
        <Alert variant="danger" isInline title="Not everything was done">
          The steps below say what failed and why; the protection group page shows what exists.
        </Alert>
      )}
      {q.isError && <Content component="p">Could not read the progress: {messageOf(q.error)}</Content>}
      <Table aria-label="Create steps" variant="compact">
        <Thead>
          <Tr>
            <Th>Step</Th>
            <Th>State</Th>
            <Th>Operation</Th>
            <Th>Error</Th>
          </Tr>
        </Thead>
        <Tbody>
          {v.steps.map((s) => (
            <Tr key={s.what}>
              <Td dataLabel="Step">{s.what}</Td>
              <Td dataLabel="State">
                <StatusLabel value={s.status} />
              </Td>
              <Td dataLabel="Operation">{s.operation ? <Link to={`/operations/${enc(s.operation.site)}/${enc(s.operation.id)}`}>Follow the operation</Link> : '-'}</Td>
              <Td dataLabel="Error">{s.error ?? ''}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </PageSection>
  );
}

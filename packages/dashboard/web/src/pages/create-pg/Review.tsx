import { Alert, Content, PageSection, Title } from '@patternfly/react-core';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { PgCreated, PgCreatePlan, PgSetupView } from '../../../../src/shared/pg-lifecycle';
import { get, messageOf } from '../../api/client';
import { pollEvery, POLL_FAST_MS } from '../../api/poll';
import { DataTable } from '../../components/DataTable';
import { DryRunResult } from '../../components/DryRunResult';
import { StatusLabel } from '../../components/StatusLabel';
import { operationPath, pgApi, pgPath } from '../../domain/paths';

/** The review step: the dry run's steps, or every problem it found (Create stays disabled until none is left). */
export function ReviewStep({ check }: { check: UseQueryResult<PgCreatePlan> }) {
  return (
    <DryRunResult check={check} running="Checking" failed="The check could not run" again="Check again">
      {(plan) =>
        plan.ok ? (
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
        )
      }
    </DryRunResult>
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
    queryFn: () => get<PgSetupView>(pgApi(id, '/setup')),
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
          <Link to={pgPath(v.name)}>Open protection group {v.name}</Link>
        </Alert>
      )}
      {v.status === 'failed' && (
        <Alert variant="danger" isInline title="Not everything was done">
          The steps below say what failed and why; the protection group page shows what exists.
        </Alert>
      )}
      {q.isError && <Content component="p">Could not read the progress: {messageOf(q.error)}</Content>}
      <DataTable
        label="Create steps"
        rows={v.steps}
        rowKey={(x) => x.what}
        columns={[
          { title: 'Step', cell: (x) => x.what },
          { title: 'State', cell: (x) => <StatusLabel value={x.status} /> },
          { title: 'Operation', cell: (x) => (x.operation ? <Link to={operationPath(x.operation.site, x.operation.id)}>Follow the operation</Link> : '-') },
          { title: 'Error', cell: (x) => x.error ?? '' },
        ]}
      />
    </PageSection>
  );
}

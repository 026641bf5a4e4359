import { Alert, PageSection, Title, Wizard, WizardStep } from '@patternfly/react-core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type CSSProperties } from 'react';
import { useNavigate } from 'react-router';
import type { PgChoices, PgCreated, PgCreatePlan } from '../../../src/shared/pg-lifecycle';
import { api, get } from '../api/client';
import { ErrorAlert } from '../components/ErrorAlert';
import { QueryState } from '../components/QueryState';
import { bodyOf, EMPTY_FORM, mappingsProblem, nameProblem, policyProblem, type CreateForm } from './create-pg/form';
import { ReviewStep, SetupProgress } from './create-pg/Review';
import { MappingsStep, MembersStep, NameStep, PolicyStep, ReplicationStep } from './create-pg/Steps';

/**
 * Creating a protection group: name, replication type, members (those that cannot join shown
 * with the reason), policy, mappings, then a review with the server's dry run (every problem
 * listed; Create stays disabled until there is none). After Create the server runs the follow-up
 * (policy, mappings, members, each pushed to the peer) and the page follows it.
 */
export function CreatePgWizard() {
  const navigate = useNavigate();
  const [form, setForm] = useState<CreateForm>(EMPTY_FORM);
  const [step, setStep] = useState<string | number>('name');
  const choices = useQuery({ queryKey: ['pg-choices'], queryFn: () => get<PgChoices>('/api/protection-groups/new/choices') });
  const body = bodyOf(form);
  // The dry run is asked on the review step, again whenever the form changed since.
  const check = useQuery({
    queryKey: ['pg-create-check', body],
    queryFn: () => api<PgCreatePlan>('POST', '/api/protection-groups', { ...body, dry_run: true }),
    enabled: step === 'review',
    retry: false,
  });
  const create = useMutation({ mutationFn: () => api<PgCreated>('POST', '/api/protection-groups', body) });

  if (create.data) return <SetupProgress created={create.data} />;
  const passed = check.data?.ok === true && !check.isFetching;

  return (
    <PageSection>
      <Title headingLevel="h1">Create a protection group</Title>
      <QueryState q={choices} what="the servers and resources to choose from">
        {(c) => (
          <>
            {c.blocked && (
              <Alert variant="warning" isInline title="A protection group cannot be created now">
                {c.blocked}
              </Alert>
            )}
            <Wizard
              // Tall enough for every step in the side nav: PatternFly's 15.6rem minimum hid the last steps behind a scroll.
              style={{ '--pf-v6-c-wizard__outer-wrap--MinHeight': '23rem' } as CSSProperties}
              isVisitRequired
              onStepChange={(_e, s) => setStep(s.id)}
              onClose={() => void navigate('/protection-groups')}
              onSave={() => create.mutate()}
              navAriaLabel="Create steps"
            >
              <WizardStep id="name" name="Name" footer={{ isNextDisabled: nameProblem(form.name, c) !== null }}>
                <NameStep form={form} set={setForm} choices={c} />
              </WizardStep>
              <WizardStep id="replication" name="Replication">
                <ReplicationStep form={form} set={setForm} choices={c} />
              </WizardStep>
              <WizardStep id="members" name="Members">
                <MembersStep form={form} set={setForm} choices={c} />
              </WizardStep>
              <WizardStep id="policy" name="Policy" footer={{ isNextDisabled: policyProblem(form) !== null }}>
                <PolicyStep form={form} set={setForm} choices={c} />
              </WizardStep>
              <WizardStep id="mappings" name="Mappings" footer={{ isNextDisabled: mappingsProblem(form) !== null }}>
                <MappingsStep form={form} set={setForm} choices={c} />
                {mappingsProblem(form) && <p>{mappingsProblem(form)}</p>}
              </WizardStep>
              <WizardStep id="review" name="Review" footer={{ nextButtonText: 'Create', isNextDisabled: !passed || create.isPending }}>
                <ReviewStep check={check} />
                <ErrorAlert error={create.error} title="Not created" />
              </WizardStep>
            </Wizard>
          </>
        )}
      </QueryState>
    </PageSection>
  );
}

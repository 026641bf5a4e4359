import { PageSection, Title, Wizard, WizardStep } from '@patternfly/react-core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type CSSProperties } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import type { ActionPlan, ActionStarted, PrecheckAnswer, WizardAction } from '../../../../src/shared/operations';
import { api, get } from '../../api/client';
import { operationPath, pgApi, pgPath } from '../../domain/paths';
import { isWizardAction, requestOf, type DrChoice } from './actions';
import { ConfirmStep, PrecheckStep } from './DrCheckSteps';
import { ActionStep, MappingsStep, RecoveryPointStep } from './DrSteps';

const NONE: DrChoice = { recoveryPoint: null, network: null };

/**
 * One wizard for every DR action of a protection group (drill, drill cleanup, planned, unplanned
 * and point-in-time failover, failback): the action and what it means for data, the recovery
 * point, the mappings it uses, the pre-check on the site that would run it (nothing goes further
 * while a blocker is left), then the confirmation (the PG's name typed where data is lost or the
 * workload moves home), and the operation followed on its page.
 */
export function DrWizardPage() {
  const { pg = '' } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const preset = params.get('action');
  const [action, setAction] = useState<WizardAction | null>(isWizardAction(preset) ? preset : null);
  const [choice, setChoice] = useState<DrChoice>(NONE);
  const [typed, setTyped] = useState('');
  const [step, setStep] = useState<string | number>('action');

  const plan = useQuery({
    queryKey: ['dr-plan', pg, action],
    queryFn: () => get<ActionPlan>(pgApi(pg, `/actions/${action}/plan`)),
    enabled: action !== null,
    retry: false,
  });
  const req = action ? requestOf(action, choice) : null;
  const path = req ? pgApi(pg, `/actions/${req.route}`) : '';
  // Run when the pre-check step is reached, again for every change of what would be sent.
  const check = useQuery({
    queryKey: ['dr-precheck', pg, req],
    queryFn: () => api<PrecheckAnswer>('POST', path, { ...req!.body, dry_run: true }),
    enabled: req !== null && plan.isSuccess && (step === 'precheck' || step === 'confirm'),
    retry: false,
  });
  const start = useMutation({
    mutationFn: () => api<ActionStarted>('POST', path, { ...req!.body, ...(plan.data?.confirm_required ? { confirm: typed } : {}) }),
    onSuccess: (r) => void navigate(operationPath(r.site, r.operation.id)),
  });

  const pick = (a: WizardAction) => {
    setAction(a);
    setChoice(NONE);
    setTyped('');
    start.reset();
  };
  const p = plan.data;
  const passed = check.data?.precheck.ok === true && !check.isFetching;
  const confirmed = !p?.confirm_required || typed === p.pg.name;
  // Said on the last step too: a choice changed since the pre-check runs it again.
  const waiting = passed ? null : check.isFetching ? 'The pre-check is running for these choices.' : 'The pre-check has not passed for these choices: see the Pre-check step.';

  return (
    <PageSection>
      <Title headingLevel="h1">DR action on {p?.pg.name ?? pg}</Title>
      <Wizard
        // Tall enough for every step in the side nav: PatternFly's 15.6rem minimum hid the last steps behind a scroll.
        style={{ '--pf-v6-c-wizard__outer-wrap--MinHeight': '20rem' } as CSSProperties}
        isVisitRequired
        onStepChange={(_e, current) => setStep(current.id)}
        onClose={() => void navigate(pgPath(pg))}
        onSave={() => start.mutate()}
        navAriaLabel="DR action steps"
      >
        <WizardStep id="action" name="Action" footer={{ isNextDisabled: !p, isCancelHidden: false }}>
          <ActionStep action={action} onAction={pick} plan={plan} />
        </WizardStep>
        <WizardStep id="recovery-point" name="Recovery point" footer={{ isNextDisabled: !p || (p.recovery_point === 'choose' && choice.recoveryPoint === null) }}>
          {p && <RecoveryPointStep plan={p} choice={choice} onChoice={setChoice} />}
        </WizardStep>
        <WizardStep id="mappings" name="Mappings" footer={{ isNextDisabled: !p }}>
          {p && <MappingsStep plan={p} choice={choice} onChoice={setChoice} />}
        </WizardStep>
        <WizardStep id="precheck" name="Pre-check" footer={{ isNextDisabled: !passed }}>
          <PrecheckStep check={check} />
        </WizardStep>
        <WizardStep id="confirm" name="Confirm" footer={{ nextButtonText: 'Start', isNextDisabled: !p || !passed || !confirmed || start.isPending }}>
          {p && <ConfirmStep plan={p} choice={choice} typed={typed} onTyped={setTyped} error={start.error} waiting={waiting} />}
        </WizardStep>
      </Wizard>
    </PageSection>
  );
}

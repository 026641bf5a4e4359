import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  LoginPage as PfLoginPage,
  TextInput,
  ToggleGroup,
  ToggleGroupItem,
} from '@patternfly/react-core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { LoginFailure } from '../../../src/shared/api';
import { useSession } from '../api/session';
import { ErrorAlert } from '../components/ErrorAlert';

/**
 * Log in to both sites at once: a password (the same user on both Keystones), or an application
 * credential per site. A site that refuses or is down is reported; the other one still logs in.
 */
export function LoginPage({ sites }: { sites: string[] }) {
  const { login } = useSession();
  const [method, setMethod] = useState<'password' | 'application_credential'>('password');
  const [f, setF] = useState({ username: '', password: '', project: '', user_domain: '', project_domain: '' });
  const [ac, setAc] = useState<Record<string, { id: string; secret: string }>>({});
  const [failures, setFailures] = useState<LoginFailure[]>([]);
  const run = useMutation({
    mutationFn: () =>
      login(
        method === 'password'
          ? { method, username: f.username, password: f.password, project: f.project, user_domain: f.user_domain || undefined, project_domain: f.project_domain || undefined }
          : { method, credentials: ac },
      ),
    onSuccess: (r) => setFailures(r.failures),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run.mutate();
  };
  const field = (k: keyof typeof f) => ({ value: f[k], onChange: (_e: unknown, v: string) => setF({ ...f, [k]: v }) });

  return (
    <PfLoginPage loginTitle="Log in to both sites" loginSubtitle={`Protector: ${sites.join(' and ')}`}>
      <Form onSubmit={submit} aria-label="Log in">
        <ErrorAlert error={run.error} title="Login failed" />
        {failures.map((x) => (
          <Alert key={x.site} variant="warning" isInline title={`Not logged in to ${x.site}`}>{x.error}</Alert>
        ))}
        <ToggleGroup aria-label="How to log in">
          <ToggleGroupItem text="Password" buttonId="login-password" isSelected={method === 'password'} onChange={() => setMethod('password')} />
          <ToggleGroupItem text="Application credential" buttonId="login-appcred" isSelected={method === 'application_credential'} onChange={() => setMethod('application_credential')} />
        </ToggleGroup>
        {method === 'password' ? (
          <>
            <FormGroup label="User name" isRequired fieldId="username">
              <TextInput id="username" isRequired autoComplete="username" {...field('username')} />
            </FormGroup>
            <FormGroup label="Password" isRequired fieldId="password">
              <TextInput id="password" type="password" isRequired autoComplete="current-password" {...field('password')} />
            </FormGroup>
            <FormGroup label="Project" isRequired fieldId="project">
              <TextInput id="project" isRequired {...field('project')} />
            </FormGroup>
            <FormGroup label="User domain" fieldId="user_domain">
              <TextInput id="user_domain" placeholder="Default" {...field('user_domain')} />
            </FormGroup>
            <FormGroup label="Project domain" fieldId="project_domain">
              <TextInput id="project_domain" placeholder="Default" {...field('project_domain')} />
            </FormGroup>
          </>
        ) : (
          sites.map((site) => (
            <FormGroup key={site} label={`${site}: application credential id and secret`} fieldId={`ac-${site}-id`}>
              <TextInput id={`ac-${site}-id`} aria-label={`${site} application credential id`} placeholder="id" value={ac[site]?.id ?? ''} onChange={(_e, v) => setAc({ ...ac, [site]: { id: v, secret: ac[site]?.secret ?? '' } })} />
              <TextInput id={`ac-${site}-secret`} aria-label={`${site} application credential secret`} type="password" placeholder="secret" value={ac[site]?.secret ?? ''} onChange={(_e, v) => setAc({ ...ac, [site]: { id: ac[site]?.id ?? '', secret: v } })} />
            </FormGroup>
          ))
        )}
        <ActionGroup>
          <Button type="submit" variant="primary" isBlock isLoading={run.isPending} isDisabled={run.isPending}>
            Log in
          </Button>
        </ActionGroup>
      </Form>
    </PfLoginPage>
  );
}

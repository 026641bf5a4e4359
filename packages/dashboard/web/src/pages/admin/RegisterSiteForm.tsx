import { ActionGroup, Button, Checkbox, Form, FormGroup, FormSelect, FormSelectOption, TextInput } from '@patternfly/react-core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { SiteRegistrationInput } from '../../../../src/shared/admin';
import { api } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';

const EMPTY = { name: '', description: '', auth_url: '', region_name: 'RegionOne', username: '', password: '', project_name: 'service', array_name: '', array_url: '', array_token: '' };
type Fields = typeof EMPTY;

/** Registering a site on one of the pair's protector APIs (the CLI's `site create`): the other site must answer. */
export function RegisterSiteForm({ sites, onDone }: { sites: string[]; onDone: () => void }) {
  const [site, setSite] = useState(sites[0] ?? '');
  const [local, setLocal] = useState(false);
  const [f, setF] = useState<Fields>(EMPTY);
  const field = (key: keyof Fields, label: string, opts: { type?: 'text' | 'password' | 'url'; required?: boolean } = {}) => (
    <FormGroup label={label} fieldId={`reg-${key}`} isRequired={opts.required}>
      <TextInput id={`reg-${key}`} type={opts.type ?? 'text'} value={f[key]} isRequired={opts.required} onChange={(_e, v) => setF({ ...f, [key]: v })} autoComplete="off" />
    </FormGroup>
  );
  const register = useMutation({
    mutationFn: (body: SiteRegistrationInput) => api('POST', '/api/admin/sites', body),
    onSuccess: () => {
      setF(EMPTY);
      setLocal(false);
      onDone();
    },
  });
  const submit = () =>
    register.mutate({
      site,
      name: f.name,
      description: f.description || undefined,
      is_local: local,
      auth_url: f.auth_url,
      region_name: f.region_name,
      credentials: { username: f.username, password: f.password, project_name: f.project_name },
      array: { name: f.array_name, url: f.array_url || null, api_token: f.array_token || null },
    });
  return (
    <Form aria-label="Register a site" onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <ErrorAlert error={register.error} title="The site was not registered" />
      <FormGroup label="Register on" fieldId="reg-site" isRequired>
        <FormSelect id="reg-site" value={site} onChange={(_e, v) => setSite(v)}>
          {sites.map((s) => (
            <FormSelectOption key={s} value={s} label={`${s}'s Protector`} />
          ))}
        </FormSelect>
      </FormGroup>
      {field('name', 'Site name', { required: true })}
      {field('description', 'Description')}
      <Checkbox id="reg-local" label="This is the site this Protector runs on" isChecked={local} onChange={(_e, v) => setLocal(v)} />
      {field('auth_url', 'Keystone v3 URL', { type: 'url', required: true })}
      {field('region_name', 'Region', { required: true })}
      {field('username', 'Service user', { required: true })}
      {field('password', "Service user's password", { type: 'password', required: true })}
      {field('project_name', "Service user's project", { required: true })}
      {field('array_name', 'Array name', { required: true })}
      {field('array_url', 'Array REST URL', { type: 'url' })}
      {field('array_token', 'Array API token (stored encrypted)', { type: 'password' })}
      <ActionGroup>
        <Button type="submit" variant="primary" isLoading={register.isPending} isDisabled={register.isPending || site === ''}>
          Register
        </Button>
      </ActionGroup>
    </Form>
  );
}

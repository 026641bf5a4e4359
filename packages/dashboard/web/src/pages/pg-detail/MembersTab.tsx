import { Button, Content } from '@patternfly/react-core';
import { useState } from 'react';
import type { Member } from '@protector/contract';
import type { MemberChangeAnswer, PgDetailView } from '../../../../src/shared/pg-detail';
import { api } from '../../api/client';
import { ActionButton } from '../../components/ActionButton';
import { ConfirmModal } from '../../components/ConfirmModal';
import { DataTable } from '../../components/DataTable';
import { pgApi } from '../../domain/paths';
import { AddServerModal } from './AddServerModal';
import { memberBlock, OperationStarted, useChange } from './common';

export function MembersTab({ pg, d }: { pg: string; d: PgDetailView }) {
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const add = useChange(pg, (v: { server_id: string; boot_order?: number }) => api<MemberChangeAnswer>('POST', pgApi(pg, '/members'), v));
  const remove = useChange(pg, (serverId: string) => api<MemberChangeAnswer>('DELETE', pgApi(pg, `/members/${encodeURIComponent(serverId)}`)));
  const blocked = memberBlock(d);
  return (
    <>
      <ActionButton
        label="Add server"
        variant="primary"
        does="Protect another server of the project: its volumes join the Cinder group and the array construct."
        blocked={blocked}
        onClick={() => {
          add.reset();
          setAdding(true);
        }}
      />
      <Content component="small">Remove stops protecting a server; its volumes and the server itself are kept.</Content>
      {add.data && <OperationStarted a={add.data} what="Adding the server" />}
      {remove.data && <OperationStarted a={remove.data} what="Removing the server" />}
      <DataTable
        label="Members"
        rows={d.members}
        rowKey={(m) => m.server_id}
        columns={[
          { title: 'Name', cell: (m) => m.name },
          { title: 'Server ID', cell: (m) => m.server_id },
          { title: 'Boot order', cell: (m) => m.boot_order },
          { title: 'Flavor', cell: (m) => m.details.flavor_name },
          { title: 'Volumes', cell: (m) => m.details.volumes.map((v) => `${v.device || v.volume_id} (${v.volume_type}, ${v.size_gb} GB)`).join(', ') },
          { title: 'Ports', cell: (m) => m.details.ports.flatMap((p) => p.fixed_ips.map((ip) => ip.ip_address)).join(', ') || '-' },
          {
            title: 'Action',
            hideTitle: true,
            cell: (m) => (
              <Button variant="secondary" size="sm" isDanger isDisabled={blocked !== null} aria-label={`Remove ${m.name}`} onClick={() => setRemoving(m)}>
                Remove
              </Button>
            ),
          },
        ]}
      />
      {d.members.length === 0 && <Content component="p">No servers are protected yet.</Content>}
      {adding && (
        <AddServerModal
          pg={pg}
          pgName={d.protection_group.name}
          adding={add.isPending}
          error={add.error}
          onClose={() => setAdding(false)}
          onAdd={(server_id, boot_order) => add.mutate({ server_id, ...(boot_order === undefined ? {} : { boot_order }) }, { onSuccess: () => setAdding(false) })}
        />
      )}
      {removing && (
        <ConfirmModal title={`Remove ${removing.name}?`} action="Remove" failed="The server was not removed" onConfirm={() => remove.mutateAsync(removing.server_id)} onClose={() => setRemoving(null)}>
          {removing.name} ({removing.server_id}) is no longer protected by {d.protection_group.name}: its volumes leave the Cinder group and the array construct, and it is not brought up by a failover. The server and its volumes are kept.
        </ConfirmModal>
      )}
    </>
  );
}

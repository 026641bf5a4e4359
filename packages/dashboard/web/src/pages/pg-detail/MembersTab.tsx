import { Alert, Button, Content, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Member } from '@protector/contract';
import type { MemberChangeAnswer, PgDetailView } from '../../../../src/shared/pg-detail';
import { api } from '../../api/client';
import { AddServerModal } from './AddServerModal';
import { ActionButton, ErrorAlert, memberBlock, pgApi, useChange } from './common';

function Started({ a, what }: { a: MemberChangeAnswer; what: string }) {
  return (
    <Alert variant={a.stored ? 'success' : 'warning'} isInline title={`${what}: operation started on ${a.site}`}>
      <Link to={`/operations/${a.site}/${a.operation.id}`}>Follow operation {a.operation.id}</Link>
      {a.store_error && <div>{a.store_error}</div>}
    </Alert>
  );
}

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
      {add.data && <Started a={add.data} what="Adding the server" />}
      {remove.data && <Started a={remove.data} what="Removing the server" />}
      <ErrorAlert error={remove.error} title="The server was not removed" />
      <Table aria-label="Members" variant="compact">
        <Thead>
          <Tr>
            <Th>Name</Th>
            <Th>Server ID</Th>
            <Th>Boot order</Th>
            <Th>Flavor</Th>
            <Th>Volumes</Th>
            <Th>Ports</Th>
            <Th screenReaderText="Action" />
          </Tr>
        </Thead>
        <Tbody>
          {d.members.map((m) => (
            <Tr key={m.server_id}>
              <Td dataLabel="Name">{m.name}</Td>
              <Td dataLabel="Server ID">{m.server_id}</Td>
              <Td dataLabel="Boot order">{m.boot_order}</Td>
              <Td dataLabel="Flavor">{m.details.flavor_name}</Td>
              <Td dataLabel="Volumes">{m.details.volumes.map((v) => `${v.device || v.volume_id} (${v.volume_type}, ${v.size_gb} GB)`).join(', ')}</Td>
              <Td dataLabel="Ports">{m.details.ports.flatMap((p) => p.fixed_ips.map((ip) => ip.ip_address)).join(', ') || '-'}</Td>
              <Td dataLabel="Action">
                <Button variant="secondary" size="sm" isDanger isDisabled={blocked !== null} aria-label={`Remove ${m.name}`} onClick={() => setRemoving(m)}>
                  Remove
                </Button>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
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
        <Modal isOpen variant="small" onClose={() => setRemoving(null)} aria-labelledby="remove-title">
          <ModalHeader title={`Remove ${removing.name}?`} labelId="remove-title" />
          <ModalBody>
            {removing.name} ({removing.server_id}) is no longer protected by {d.protection_group.name}: its volumes leave the Cinder group and the array construct, and it is not brought up by a failover. The server and its volumes are kept.
          </ModalBody>
          <ModalFooter>
            <Button
              variant="danger"
              isLoading={remove.isPending}
              isDisabled={remove.isPending}
              onClick={() => remove.mutate(removing.server_id, { onSettled: () => setRemoving(null) })}
            >
              Remove
            </Button>
            <Button variant="link" onClick={() => setRemoving(null)}>
              Cancel
            </Button>
          </ModalFooter>
        </Modal>
      )}
    </>
  );
}

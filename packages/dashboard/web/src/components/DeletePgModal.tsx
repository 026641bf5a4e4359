import { Content } from '@patternfly/react-core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { PgDeleted } from '../../../src/shared/pg-lifecycle';
import { api } from '../api/client';
import { operationPath, pgApi } from '../domain/paths';
import { ConfirmModal } from './ConfirmModal';

/** Deleting a PG (from its row or its edit page): its name typed to confirm, then the delete operation's page. */
export function DeletePgModal({ pg, onClose }: { pg: { id: string; name: string }; onClose: () => void }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  return (
    <ConfirmModal
      title={`Delete protection group ${pg.name}?`}
      typeToConfirm={pg.name}
      failed="The protection group was not deleted"
      onConfirm={async () => {
        const r = await api<PgDeleted>('DELETE', `${pgApi(pg.id)}?confirm=${encodeURIComponent(pg.name)}`);
        void qc.invalidateQueries({ queryKey: ['protection-groups'] });
        void navigate(operationPath(r.site, r.operation.id));
      }}
      onClose={onClose}
    >
      <Content component="p">Its array construct and Cinder groups are deleted on both sites; the servers and their volumes are kept, unprotected.</Content>
    </ConfirmModal>
  );
}

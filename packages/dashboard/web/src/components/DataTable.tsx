import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { ReactNode } from 'react';

/** One column: its header (also the cell's label when the table stacks on a narrow screen) and what each row shows in it. */
export interface Column<T> {
  title: string;
  cell: (row: T, index: number) => ReactNode;
  /** A column of buttons or choices: its header is for screen readers only. */
  hideTitle?: boolean;
  /** PatternFly's kebab of row actions. */
  isActionCell?: boolean;
}

/**
 * Every table of the pages: compact, one row per item, each cell labelled by its column's header
 * (written once, so the two never disagree).
 */
export function DataTable<T>({ label, columns, rows, rowKey, rowLabel }: { label: string; columns: Column<T>[]; rows: readonly T[]; rowKey: (row: T, index: number) => string | number; rowLabel?: (row: T) => string | undefined }) {
  return (
    <Table aria-label={label} variant="compact">
      <Thead>
        <Tr>
          {columns.map((c) =>
            c.hideTitle || c.isActionCell ? (
              <Th key={c.title} screenReaderText={c.title} />
            ) : (
              <Th key={c.title} modifier="wrap">
                {c.title}
              </Th>
            ),
          )}
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((r, i) => (
          <Tr key={rowKey(r, i)} aria-label={rowLabel?.(r)}>
            {columns.map((c) => (
              <Td key={c.title} dataLabel={c.isActionCell ? undefined : c.title} isActionCell={c.isActionCell}>
                {c.cell(r, i)}
              </Td>
            ))}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

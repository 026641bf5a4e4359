import { DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm } from '@patternfly/react-core';
import type { ReactNode } from 'react';

/** Terms and what each is, side by side; an entry given as `false` is left out. */
export function DetailList({ label, items, isCompact }: { label?: string; items: ([term: string, value: ReactNode] | false)[]; isCompact?: boolean }) {
  return (
    <DescriptionList isHorizontal isCompact={isCompact} aria-label={label}>
      {items.map(
        (item) =>
          item && (
            <DescriptionListGroup key={item[0]}>
              <DescriptionListTerm>{item[0]}</DescriptionListTerm>
              <DescriptionListDescription>{item[1]}</DescriptionListDescription>
            </DescriptionListGroup>
          ),
      )}
    </DescriptionList>
  );
}

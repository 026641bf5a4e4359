import { FormHelperText, HelperText, HelperTextItem } from '@patternfly/react-core';
import type { ReactNode } from 'react';

/** The line under a field: its error when it has one, else what the field is for (nothing when neither). */
export function FieldHelp({ error, help }: { error?: string | null; help?: ReactNode }) {
  if (!error && !help) return null;
  return (
    <FormHelperText>
      <HelperText>
        <HelperTextItem variant={error ? 'error' : 'default'}>{error || help}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}

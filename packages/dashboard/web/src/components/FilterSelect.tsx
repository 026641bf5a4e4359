import { FormSelect, FormSelectOption, ToolbarItem } from '@patternfly/react-core';

/** A toolbar's filter on one field: any value ('') or one of `options`, each in the API's words. */
export function FilterSelect({ label, any, value, options, onChange }: { label: string; any: string; value: string; options: readonly string[]; onChange: (value: string) => void }) {
  return (
    <ToolbarItem>
      <FormSelect aria-label={label} value={value} onChange={(_e, v) => onChange(v)}>
        <FormSelectOption value="" label={any} />
        {options.map((o) => (
          <FormSelectOption key={o} value={o} label={o} />
        ))}
      </FormSelect>
    </ToolbarItem>
  );
}

import { InvalidArgumentError } from 'commander';

/** An option's whole-number value of at least `min`; the error names the option (exit 2). */
export const wholeNumber = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}`);
  return n;
};

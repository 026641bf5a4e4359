import type { MappingKind } from '@protector/contract';

// Every kind the API takes (the Record makes the compiler name one left out or made up).
const KIND_SET: Record<MappingKind, true> = { network: true, subnet: true, security_group: true, flavor: true, image: true, availability_zone: true, volume_type: true, keypair: true };
export const MAPPING_KINDS = Object.keys(KIND_SET) as MappingKind[];

/** A mapping kind as people read it: 'security group', 'availability zone'. */
export const kindLabel = (kind: string): string => kind.replaceAll('_', ' ');

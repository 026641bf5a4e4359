export { Site, PORT_OFFSETS, type SiteOptions } from './site.js';
export { ManualClock, systemClock, type Clock } from '@protector/arraysim';
export type { AuthContext, TokenValidator } from './auth.js';
export { SERVICE_NAMES, type ServiceName, type Fault } from './sim/faults.js';
export { cloudsYaml, type CloudEntry } from './clouds-yaml.js';

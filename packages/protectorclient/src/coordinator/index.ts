export { DivergedError, PeerUnreachableError, requireReachable, type SiteHandle, type SitePair } from './sites.js';
export { propagate, syncPair, syncStatus, type Propagated, type SyncStatusRow } from './metadata.js';
export { pairSites, type PairedSite } from './pairing.js';
export { catchUp, describePending, describeStored, pendingMetadata, type CaughtUp, type DocumentOrigin, type PendingMetadata, type SiteCopy } from './pending.js';
export { Coordinator, MetadataNotStoredError, NoRunningSiteError, PeerRequiredError, type CoordinatorFace, type RunningSite, type SiteBatch } from './coordinator.js';
export { apiNotFound, currentPrimaryOf, findByRef, findPg, findPlan, findSite, LookupError, type Lookup } from './find.js';
export { RemoteProjectError, verifyRemoteProject } from './remote-project.js';
export { PlanCoordinator, PlanDivergedError, PlanNotStoredError, planPg, SURVIVING_SITE_MODES, type FoundPlan, type FoundRun, type PlanCopyState, type PlanHint, type PlanRunStarted } from './plans.js';

/** Logs, metrics, request ids and health for protector-api and protector-engine (DESIGN §3). */
export { createLogger, withContext, REDACT_PATHS, type Logger, type LoggerOptions, type LogContext, type LogLevel, type ServiceName } from './logger.js';
export { REDACTED, SECRET_KEYS, isSecretKey, redactText, scrubValue, type ScrubbedError } from './redact.js';
export {
  createMetrics,
  renderMetrics,
  recordRequest,
  recordOperation,
  trackRunningOperation,
  recordStep,
  setPgGauges,
  forgetPgGauges,
  setServiceGauges,
  setOperationGauges,
  clearDatabaseGauges,
  type MetricsOptions,
  type OperationSample,
  type OperationType,
  type PgSample,
  type ProtectorMetrics,
  type ServiceSample,
  type RequestSample,
  type StepSample,
} from './metrics.js';
export {
  REQUEST_ID_HEADER,
  newRequestId,
  isRequestId,
  parseGlobalRequestId,
  requestContext,
  requestLogger,
  setRequestIdentity,
  type RequestContext,
  type RequestLike,
} from './request-context.js';
export { runHealthChecks, DEFAULT_HEALTH_TIMEOUT_MS, type CheckResult, type HealthCheck, type HealthOptions, type HealthReport } from './health.js';
export { registerObservability, METRICS_PATH, HEALTH_PATH, OBSERVABILITY_PATHS, UNMATCHED_ROUTE, type ObservabilityOptions } from './fastify.js';

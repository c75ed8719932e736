// Public surface of the Kubernetes API-server double (re-exported by @flotilla/testing).
export { startKubeApi, KubeApiServer, type KubeApiServerOptions } from './server.js';
export { main as kubeApiMain, type CliIo } from './cli.js';
export type { AccessRule, Authorizer, RequestAttributes, UserInfo } from './auth.js';
export { ADMIN_USER, SUPERUSER_GROUP } from './auth.js';
export type { FaultRule, FaultHandle, FaultInjector } from './faults.js';
export type {
  KubeletSimulator,
  KubeletMatch,
  KubeletOutcome,
  KubeletSimulatorOptions,
} from './kubelet-sim.js';
export { KubeApiError, type StatusBody, type StatusCause } from './errors.js';
export { renderKubeconfig, type KubeconfigOptions } from './kubeconfig.js';

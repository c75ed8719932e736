import { fileURLToPath } from 'node:url';
import { describeServiceProcess } from '@flotilla/testing';

// The controller watches Kustomizations, so the process gets a cluster with the Flux CRDs.
describeServiceProcess('kustomize-controller', fileURLToPath(new URL('../dist/main.js', import.meta.url)), {
  fluxCluster: true,
});

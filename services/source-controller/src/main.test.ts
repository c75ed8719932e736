import { fileURLToPath } from 'node:url';
import { describeServiceProcess } from '@flotilla/testing';

// The controller watches the source kinds, so the process gets a cluster with the Flux CRDs,
// and its artifact server a free port.
describeServiceProcess('source-controller', fileURLToPath(new URL('../dist/main.js', import.meta.url)), {
  fluxCluster: true,
  env: { FLOTILLA_STORAGE_ADDR: '127.0.0.1:0' },
});

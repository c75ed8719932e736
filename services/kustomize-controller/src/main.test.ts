import { fileURLToPath } from 'node:url';
import { describeServiceProcess } from '@flotilla/testing';

describeServiceProcess('kustomize-controller', fileURLToPath(new URL('../dist/main.js', import.meta.url)));

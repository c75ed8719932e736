import { fileURLToPath } from 'node:url';
import { describeServiceProcess } from '@flotilla/testing';

describeServiceProcess('source-controller', fileURLToPath(new URL('../dist/main.js', import.meta.url)));

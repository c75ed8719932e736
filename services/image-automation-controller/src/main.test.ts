import { fileURLToPath } from 'node:url';
import { describeServiceProcess } from '@flotilla/testing';

describeServiceProcess(
  'image-automation-controller',
  fileURLToPath(new URL('../dist/main.js', import.meta.url)),
);

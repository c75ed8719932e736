// Build step: `npm run generate -w @flotilla/api` writes charts/flotilla/crds/<group>_<plural>.yaml.
import { resolve } from 'node:path';
import { writeCrdFiles } from './crd-files.js';
import { allKinds } from './registry.js';

/** charts/flotilla/crds relative to the repository root (this file runs from libs/api/dist). */
const crdDirectory = resolve(import.meta.dirname, '../../../charts/flotilla/crds');

const written = writeCrdFiles(crdDirectory, allKinds);
console.log(`wrote ${written.length} CRDs to ${crdDirectory}`);

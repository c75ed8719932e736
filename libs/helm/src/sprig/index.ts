/** Sprig v3 as Helm ships it: every deterministic function family merged into one FuncMap. */
import { type FuncMap } from '@flotilla/gotemplate';
import { bcryptFunctions } from './bcrypt.js';
import { certFunctions } from './certs.js';
import { cryptoFunctions } from './crypto.js';
import { dateFunctions } from './dates.js';
import { defaultFunctions } from './defaults.js';
import { dictFunctions } from './dicts.js';
import { durationFunctions } from './durations.js';
import { encodingFunctions } from './encoding.js';
import { listFunctions } from './lists.js';
import { mathFunctions } from './math.js';
import { pathFunctions } from './paths.js';
import { randomFunctions } from './random.js';
import { regexFunctions } from './regex.js';
import { semverFunctions } from './semver.js';
import { stringFunctions } from './strings.js';
import { timeFunctions } from './time.js';
import { typeFunctions } from './types.js';
import { urlFunctions } from './urls.js';
import { strval, def } from './convert.js';

export function sprigFunctions(): FuncMap {
  return {
    ...stringFunctions(),
    ...listFunctions(),
    ...dictFunctions(),
    ...mathFunctions(),
    ...defaultFunctions(),
    ...encodingFunctions(),
    ...regexFunctions(),
    ...randomFunctions(),
    ...cryptoFunctions(),
    ...bcryptFunctions(),
    ...certFunctions(),
    ...pathFunctions(),
    ...typeFunctions(),
    ...semverFunctions(),
    ...durationFunctions(),
    ...dateFunctions(),
    ...timeFunctions(),
    ...urlFunctions(),
    toString: def('toString', ['any'], (v) => strval(v)),
  };
}

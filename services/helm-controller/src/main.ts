// helm-controller as its own process; its work lives in the libs it starts.
import { runControllers } from '@flotilla/runtime';
import { definition } from './index.js';

await runControllers([definition], process.argv.slice(2));

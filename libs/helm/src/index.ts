export { sprigFunctions } from './sprig/index.js';

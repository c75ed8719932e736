export { main } from './main.js';
export { selectControllers, UsageError } from './run-command.js';

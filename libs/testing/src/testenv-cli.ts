// `npm run testenv`: start every test server in the foreground until Ctrl-C.
import { startTestEnvironment } from './testenv.js';

const environment = await startTestEnvironment();
console.log(environment.summary());
console.log('git repository "example" is served over HTTP and SSH; press Ctrl-C to stop');
const stop = async () => {
  await environment.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

// @flotilla/config: the one place configuration is parsed. Parsers come in pairs where callers need
// both styles: parseX throws an Error naming the expected form, tryParseX returns undefined.
export { parseDuration, tryParseDuration, formatDuration } from './duration.js';
export { parseByteSize, tryParseByteSize } from './byte-size.js';
export { parseAddress, type ListenAddress } from './address.js';
export {
  EnvReader,
  describeInvalidEnvValue,
  type Env,
  type EnvValueKind,
  type InvalidEnvValue,
  type DescribeInvalidEnvValue,
} from './env-reader.js';
export {
  ConfigError,
  envName,
  loadConfig,
  describeOptions,
  optionsMarkdown,
  type OptionType,
  type OptionSpec,
  type OptionTable,
  type ConfigValues,
} from './options.js';

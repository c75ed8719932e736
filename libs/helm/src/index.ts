export { sprigFunctions } from './sprig/index.js';
export { helmFunctions, type LookupFn, type HelmFunctionOptions } from './funcs/index.js';
export { toYaml, toYamlPretty, fromYaml, fromYamlArray, marshalYaml, parseYamlToJson } from './funcs/yaml.js';
export { toJson, fromJson, fromJsonArray } from './funcs/json.js';
export { toToml, fromToml } from './funcs/toml.js';
export {
  renderChart,
  renderTemplates,
  allTemplates,
  sortTemplates,
  chartFullPath,
  RenderError,
  RECURSION_MAX,
  DEFAULT_RENDER_LIMITS,
  type RenderOptions,
  type RenderLimits,
  type Renderable,
} from './engine/engine.js';
export { filesValue, chartFiles } from './engine/files.js';
export { compileGlob } from './engine/glob.js';
export {
  coalesceValues,
  mergeValues,
  deepCopyValues,
  CoalesceError,
  type CoalesceOptions,
} from './values/coalesce.js';
export {
  toRenderValues,
  capabilities,
  parseKubeVersion,
  chartMetadataValue,
  KubeVersionError,
  DEFAULT_KUBE_VERSION,
  DEFAULT_API_VERSIONS,
  HELM_VERSION,
  type ReleaseOptions,
  type CapabilitiesOptions,
} from './values/render-values.js';
export type { Chart, ChartDependency, ChartFile, ChartMetadata } from './chart/types.js';
export { HelmError, ChartValidationError } from './chart/errors.js';
export { loadChart, loadDir, loadArchive, loadFiles, readDirFiles } from './chart/loader.js';
export { IgnoreRules } from './chart/helmignore.js';
export { goMatch } from './chart/gomatch.js';
export { cloneChart, processDependencies, isCompatibleRange } from './chart/dependencies.js';
export { validateAgainstSchema } from './chart/schema.js';
export { parseSet, parseSetString, parseSetFile, typedVal } from './action/strvals.js';
export { mergeValueOptions, type ValuesOptions } from './action/values-options.js';
export {
  splitManifests,
  sortManifests,
  INSTALL_ORDER,
  type Hook,
  type Manifest,
} from './action/manifests.js';
export {
  templateChart,
  mergeUserValues,
  crdObjects,
  showOnlyOutput,
  validateReleaseName,
  DEFAULT_RELEASE_NAME,
  RenderFailure,
  type TemplateOptions,
  type TemplateResult,
} from './action/template.js';
export {
  runFuncsVector,
  judgeFuncsVector,
  runEngineVector,
  judgeEngineVector,
  runCliVector,
  judgeCliVector,
  inlineChart,
  listingFiles,
  invocationOptions,
  type FuncsVector,
  type EngineVector,
  type EngineResult,
  type CliVector,
  type CliChart,
  type CliResult,
  type Invocation,
  type InlineChart,
} from './conformance/vectors.js';

export { Template, DEFAULT_LIMITS, type FuncMap, type FuncValue, type ParseOptions } from './template.js';
export { TemplateError, ParseError, ExecError, FuncError } from './errors.js';
export {
  GoFunc,
  GoComplex,
  GoStruct,
  GO_METHODS,
  withMethods,
  methodOf,
  toGoFunc,
  typeName,
  isTrue,
  kindOf,
  type GoValue,
  type GoMap,
  type GoKind,
  type FuncSignature,
  type ParamType,
} from './values.js';
export { sprintf, sprint, sprintln, formatValue } from './fmt.js';
export { Tree, type ParseMode } from './parser.js';
export { fromJSON } from './json.js';
export type { ExecLimits, MissingKey } from './exec.js';
export * as nodes from './nodes.js';
export {
  runTemplateVector,
  judgeTemplateVector,
  judgeError,
  isGoOnly,
  GO_ONLY_TAGS,
  type TemplateVector,
  type VectorResult,
  type RunOptions as VectorRunOptions,
  type ErrorExpectation,
  type NamedText,
} from './vectors.js';

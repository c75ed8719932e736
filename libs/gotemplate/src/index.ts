export { Template, DEFAULT_LIMITS, type FuncMap, type FuncValue, type ParseOptions } from './template.js';
export { TemplateError, ParseError, ExecError, FuncError } from './errors.js';
export {
  GoFunc,
  GoComplex,
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

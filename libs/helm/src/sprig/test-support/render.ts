import { Template, fromJSON } from '@flotilla/gotemplate';
import { sprigFunctions } from '../index.js';

/** Renders a template with the Sprig functions; `json` is the data as JSON text. */
export function render(template: string, json = '{}'): string {
  return Template.parse('t', template, { funcs: sprigFunctions() }).execute(fromJSON(json));
}

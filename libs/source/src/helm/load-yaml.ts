// Index YAML is read with js-yaml: on large indexes it is an order of magnitude faster than the
// `yaml` package and keeps no concrete syntax tree in memory (an 18.5 MB index: ~1.5 s and
// ~250 MB peak RSS for the whole parseIndex, against ~30 s for `yaml` alone). Core schema, as
// Helm's Go YAML reads indexes: timestamps stay strings; a repeated key keeps its last value.
import jsyaml from 'js-yaml';

export function loadYaml(text: string): unknown {
  return jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: true });
}

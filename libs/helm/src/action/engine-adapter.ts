/**
 * The one place the `helm template` action calls the rendering engine: capabilities, render
 * values (coalesced, schema-checked), the chart's kubeVersion constraint, then engine.Render.
 */
import type { GoMap, GoValue } from '@flotilla/gotemplate';
import { HelmError } from '../chart/errors.js';
import { isCompatibleRange } from '../chart/dependencies.js';
import { validateAgainstSchema } from '../chart/schema.js';
import type { Chart } from '../chart/types.js';
import { capabilities, KubeVersionError, renderChart, toRenderValues, type LookupFn } from '../index.js';

export interface CapabilityOptions {
  kubeVersion?: string;
  apiVersions: string[];
}

export interface ReleaseOptions {
  name: string;
  namespace: string;
  revision: number;
  isInstall: boolean;
  isUpgrade: boolean;
}

/** A failure after the release exists (template cmd then hints at --debug). */
export class RenderFailure extends HelmError {
  constructor(cause: unknown) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)}\n\nUse --debug flag to render out invalid YAML`,
    );
  }
}

export type Capabilities = ReturnType<typeof capabilities>;

/** Builds the capabilities early so a bad --kube-version fails before anything else is read. */
export function buildCapabilities(options: CapabilityOptions): Capabilities {
  try {
    return capabilities(options);
  } catch (error) {
    if (!(error instanceof KubeVersionError)) throw error;
    // template.go's wording: invalid kube version '<flag>': <semver error>.
    const reason = error.message.replace(/^invalid kube version "[^"]*": /, '');
    throw new HelmError(`invalid kube version '${options.kubeVersion ?? ''}': ${reason}`);
  }
}

function field(v: GoValue | undefined, name: string): GoValue | undefined {
  if (v === null || v === undefined || typeof v !== 'object') return undefined;
  const fields = (v as { fields?: Record<string, GoValue> }).fields;
  return fields !== undefined ? fields[name] : (v as GoMap)[name];
}

/** `.Capabilities.KubeVersion.Version`, e.g. `v1.29.0`. */
export function kubeVersionOf(caps: Capabilities): string {
  const version = field(field(caps as GoValue, 'KubeVersion'), 'Version');
  return typeof version === 'string' ? version : '';
}

/** ToRenderValues with schema validation, then the chart's kubeVersion check and the render. */
export function renderRelease(
  chart: Chart,
  userValues: GoMap,
  release: ReleaseOptions,
  caps: Capabilities,
  lookup?: LookupFn,
): Record<string, string> {
  const renderValues = toRenderValues(chart, userValues, release, caps) as GoMap;
  validateAgainstSchema(chart, (renderValues['Values'] ?? {}) as GoMap);
  const constraint = chart.metadata.kubeVersion;
  const kubeVersion = kubeVersionOf(caps);
  if (constraint && !isCompatibleRange(constraint, kubeVersion))
    throw new RenderFailure(
      new HelmError(
        `chart requires kubeVersion: ${constraint} which is incompatible with Kubernetes ${kubeVersion}`,
      ),
    );
  try {
    return renderChart(chart, renderValues, lookup ? { lookup } : {});
  } catch (error) {
    throw new RenderFailure(error);
  }
}

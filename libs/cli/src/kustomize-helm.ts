// helmCharts in `flotilla kustomize build --enable-helm`: charts are rendered by our Helm engine
// from the kustomization's chart home, as kustomize does after `helm pull`.
import { existsSync } from 'node:fs';
import type { GoMap } from '@flotilla/gotemplate';
import { loadChart, templateChart } from '@flotilla/helm';
import type { HelmChartRequest } from '@flotilla/kustomize';

export async function renderHelmChart(request: HelmChartRequest): Promise<string> {
  if (!existsSync(request.chartDir)) {
    const from = request.repo === undefined ? '' : ` (repo ${request.repo})`;
    throw new Error(
      `chart ${request.name}${from} not found in ${request.chartDir}: pulling charts from repositories is not supported, vendor it under the chart home`,
    );
  }
  const chart = await loadChart(request.chartDir);
  return templateChart(chart, {
    releaseName: request.releaseName,
    ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
    values: request.values as GoMap,
    includeCrds: request.includeCRDs,
    noHooks: request.skipHooks,
    skipTests: request.skipTests,
    apiVersions: request.apiVersions,
    ...(request.kubeVersion !== undefined ? { kubeVersion: request.kubeVersion } : {}),
    ...(request.nameTemplate !== undefined ? { nameTemplate: request.nameTemplate } : {}),
  }).stdout;
}

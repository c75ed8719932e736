// The Helm chart users deploy with, rendered by our own `helm template` engine: every controller
// gets its Deployment, the source-controller its artifact Service, and the chart only sets
// configuration variables the services read (the README's reference lists them).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadChart, templateChart } from '@flotilla/helm';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chartDir = join(root, 'charts', 'flotilla');

interface Doc {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

interface Container {
  env?: { name: string }[];
  ports?: { name: string; containerPort: number }[];
}

async function render(options: Parameters<typeof templateChart>[1] = {}): Promise<Doc[]> {
  const chart = await loadChart(chartDir);
  const { stdout } = templateChart(chart, { releaseName: 'flotilla', namespace: 'flux-system', ...options });
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => d !== null);
}

function containerOf(deployment: Doc): Container {
  const template = deployment.spec?.template as { spec: { containers: Container[] } };
  return template.spec.containers[0] as Container;
}

describe('charts/flotilla', () => {
  it('renders a Deployment and ServiceAccount per controller and the artifact Service', async () => {
    const docs = await render();
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([
      'helm-controller',
      'image-automation-controller',
      'image-reflector-controller',
      'kustomize-controller',
      'notification-controller',
      'source-controller',
    ]);
    expect(docs.filter((d) => d.kind === 'ServiceAccount')).toHaveLength(6);
    const service = docs.find((d) => d.kind === 'Service' && d.metadata.name === 'source-controller');
    expect(service?.spec).toMatchObject({ selector: { app: 'source-controller' } });
    const source = deployments.find((d) => d.metadata.name === 'source-controller') as Doc;
    const targetPort = (service?.spec?.ports as { targetPort: string }[])[0]?.targetPort;
    expect(containerOf(source).ports?.map((p) => p.name)).toContain(targetPort);
    const env = containerOf(source).env?.map((e) => e.name);
    expect(env).toContain('FLOTILLA_STORAGE_ADV_ADDR');
  });

  it('sets only configuration variables the README documents', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const docs = await render();
    const names = new Set(
      docs
        .filter((d) => d.kind === 'Deployment')
        .flatMap((d) => containerOf(d).env?.map((e) => e.name) ?? [])
        .filter((name) => name.startsWith('FLOTILLA_')),
    );
    expect(names.size).toBeGreaterThan(5);
    for (const name of names) expect(readme, name).toContain(`\`${name}\``);
  });

  it('leaves out a disabled controller', async () => {
    const docs = await render({ set: ['controllers.helm-controller.enabled=false'] });
    expect(docs.some((d) => d.metadata.name === 'helm-controller')).toBe(false);
    expect(docs.filter((d) => d.kind === 'Deployment')).toHaveLength(5);
  });
});

import { describe, expect, it } from 'vitest';
import { createLogger, formatConsoleLine } from './logger.js';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('createLogger', () => {
  it('writes Flux-shaped JSON lines', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'source-controller', destination });
    logger.info({ name: 'podinfo', namespace: 'flux-system', revision: 'main@sha1:abc' }, 'stored artifact');
    const record = JSON.parse(lines[0] ?? '{}');
    expect(record).toMatchObject({
      level: 'info',
      logger: 'source-controller',
      msg: 'stored artifact',
      name: 'podinfo',
      namespace: 'flux-system',
    });
    expect(record.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(record).not.toHaveProperty('pid');
  });

  it('honours the level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'x', level: 'error', destination });
    logger.info('hidden');
    logger.error('shown');
    expect(lines).toHaveLength(1);
  });

  it('renders console lines for people', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'helm-controller', encoding: 'console', destination }).info(
      { name: 'app' },
      'hello',
    );
    expect(lines[0]).toMatch(/^\S+Z\tINFO\thelm-controller\thello\tname=app\n$/);
    expect(formatConsoleLine('{"ts":"t","level":"error","logger":"l","msg":"m"}')).toBe('t\tERROR\tl\tm\n');
  });
});

// pino configured to write Flux's log shape: one JSON object per line with level, ts, msg, logger.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'error';
export type LogEncoding = 'json' | 'console';

export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  encoding?: LogEncoding;
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
}

/** Renders a JSON log line for people: `ts LEVEL logger msg key=value…`. */
export function formatConsoleLine(line: string): string {
  const record = JSON.parse(line) as Record<string, unknown>;
  const { ts, level, logger, msg, ...rest } = record;
  const extra = Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${String(ts)}\t${String(level).toUpperCase()}\t${String(logger)}\t${String(msg ?? '')}${extra ? `\t${extra}` : ''}\n`;
}

function consoleDestination(target: DestinationStream): DestinationStream {
  return { write: (line: string) => target.write(formatConsoleLine(line)) };
}

export function createLogger(options: LoggerOptions): Logger {
  const target = options.destination ?? pino.destination({ dest: 1, sync: false });
  const destination = options.encoding === 'console' ? consoleDestination(target) : target;
  return pino(
    {
      level: options.level ?? 'info',
      base: { logger: options.name },
      messageKey: 'msg',
      errorKey: 'error',
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

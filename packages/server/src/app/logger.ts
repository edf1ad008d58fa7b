import { pino, type Logger } from 'pino';

/** Structured JSON logs (one object per line) with the service name on every line. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'deeptravel' }, timestamp: pino.stdTimeFunctions.isoTime });
}
export type { Logger };

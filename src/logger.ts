/** A minimal leveled logger (one JSON-free line per entry); Bolt gets an adapter of the same. */
export interface Logger {
  debug(...msg: unknown[]): void;
  info(...msg: unknown[]): void;
  warn(...msg: unknown[]): void;
  error(...msg: unknown[]): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

export function consoleLogger(level: LogLevel, name = 'mlops'): Logger {
  const min = LEVELS.indexOf(level);
  const at = (l: LogLevel) => (...msg: unknown[]) => {
    if (LEVELS.indexOf(l) >= min) console[l === 'debug' ? 'log' : l](`[${l.toUpperCase()}] ${name}`, ...msg);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

type LogFn = (details: object, message?: string) => void;

/** The logger a node writes to (pino's fits). */
export interface SignalingLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

// Structured logs in Cloud Logging's JSON format: one JSON object per line on stdout, with
// `severity` and `message` read by the logging agent and the rest kept as jsonPayload.
// https://cloud.google.com/logging/docs/structured-logging
export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL' | 'ALERT';

export interface Logger {
  log(severity: Severity, message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogSink = (line: string) => void;

/** A logger for one function; `labels` go to Cloud Logging's indexed labels. */
export function createLogger(labels: Record<string, string>, sink: LogSink = (line) => process.stdout.write(`${line}\n`)): Logger {
  const log = (severity: Severity, message: string, fields: Record<string, unknown> = {}) => {
    sink(
      JSON.stringify({
        severity,
        message,
        ...fields,
        'logging.googleapis.com/labels': labels,
        time: new Date().toISOString(),
      }),
    );
  };
  return {
    log,
    info: (m, f) => log('INFO', m, f),
    warn: (m, f) => log('WARNING', m, f),
    error: (m, f) => log('ERROR', m, f),
  };
}

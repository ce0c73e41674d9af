// How Cloud Storage (and any Google API) answers, read off the error the official client throws.
// A write with ifGenerationMatch: 0 fails with 412 when the object already exists: for an object
// name derived from a batch id that means "already landed", which is success, not a fault.
// Only transient faults are worth a retry; a request the service refuses as bad (400, 413, 422…)
// fails the same way every time, so a retry would only walk the message to the dead-letter topic.
// https://cloud.google.com/storage/docs/json_api/v1/status-codes

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** The write lost a generation precondition (412): the object exists, or changed since it was read. */
export function isPreconditionFailed(err: unknown): boolean {
  return statusOf(err) === 412;
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/**
 * - `exists`: 412, the precondition failed (the object is there).
 * - `transient`: 408, 429, 5xx, and anything without an HTTP status (connection reset, timeout,
 *   DNS): retry with backoff.
 * - `deployment`: 401, 403, 404, 409: the bucket, an IAM grant or a credential is wrong, not the
 *   message; retried too, so the message waits (and, in the end, dead-letters) until it is fixed.
 * - `permanent`: any other 4xx: the request built from this message is refused as such.
 */
export type ErrorClass = 'exists' | 'transient' | 'deployment' | 'permanent';

export function classifyError(err: unknown): ErrorClass {
  const status = statusOf(err);
  if (status === undefined || status < 400) return 'transient';
  if (status === 412) return 'exists';
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  if (status === 401 || status === 403 || status === 404 || status === 409) return 'deployment';
  return 'permanent';
}

/** A custom metadata value as Cloud Storage keeps it safely: printable ASCII, at most `max` characters. */
export function metadataValue(value: string, max = 256): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.slice(0, max);
}

// How Cloud Storage answers preconditions, read off the error the official client throws.
// A write with ifGenerationMatch: 0 fails with 412 when the object already exists: for an object
// name derived from a batch id that means "already landed", which is success, not a fault.

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

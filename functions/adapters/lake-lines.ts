// Reading raw objects line by line. Objects are gzip NDJSON stored with Content-Encoding: gzip;
// they are fetched as stored (decompress: false, so the client checks the stored bytes' hash) and
// gunzipped here, and an object that is not gzip at all is read as plain text.
import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { File } from '@google-cloud/storage';

/** The object's bytes are not valid gzip (truncated or corrupt): a bad file, not an outage. */
export class CorruptObjectError extends Error {
  constructor(name: string, cause: unknown) {
    super(`${name} is not valid gzip (${(cause as Error).message}); it cannot be read`, { cause });
    this.name = 'CorruptObjectError';
  }
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

async function* decompressed(file: File): AsyncGenerator<Buffer> {
  const iterator = file.createReadStream({ decompress: false })[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value as Buffer;
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
  }
  if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) {
    yield* all();
    return;
  }
  // pipeline wires errors both ways: a network error fails the gunzip, and iteration throws it.
  const out = pipeline(Readable.from(all()), createGunzip(), () => {});
  try {
    for await (const chunk of out) yield chunk as Buffer;
  } catch (err) {
    throw isZlibError(err) ? new CorruptObjectError(file.name, err) : err;
  }
}

/**
 * The object's lines in batches (one batch per decompressed chunk), without the newline; a final
 * line without a newline is included, blank lines are kept (callers skip them but count them).
 */
export async function* lineBatches(file: File): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of decompressed(file)) {
    const text = rest + decoder.write(chunk);
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    yield lines;
  }
  rest += decoder.end();
  if (rest !== '') yield [rest];
}

/** Line count and sha256 over `line\n` for every non-blank line: the content identity compaction checks. */
export async function contentDigest(files: readonly File[]): Promise<{ lines: number; sha256: string }> {
  const hash = createHash('sha256');
  let lines = 0;
  for (const file of files) {
    for await (const batch of lineBatches(file)) {
      for (const raw of batch) {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line.trim() === '') continue;
        hash.update(line).update('\n');
        lines += 1;
      }
    }
  }
  return { lines, sha256: hash.digest('hex') };
}

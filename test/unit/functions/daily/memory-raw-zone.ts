// An in-memory implementation of plantlake's own raw-zone port (functions/core/raw-zone.ts), for
// unit tests of the lifecycle's order of steps: it keeps bytes, generations and CRC32C/MD5 as
// Cloud Storage reports them, honours ifGenerationMatch, and can be told to crash before or after
// any call. It is not a fake of a Google API: the emulator tests cover the real wiring.
import { createHash } from 'node:crypto';
import { crc32c, crc32cToBase64 } from '../../../../functions/core/crc32c.ts';
import { COMPOSE_MAX_SOURCES, type ListOptions, type ListPage, type RawObject, type RawZone, type WriteOptions } from '../../../../functions/core/raw-zone.ts';

export type Op = 'list' | 'stat' | 'read' | 'createOnce' | 'setMetadata' | 'setStorageClass' | 'delete' | 'compose';

interface Stored {
  bytes: Buffer;
  generation: number;
  storageClass: string;
  metadata: Record<string, string>;
  contentType: string;
  contentEncoding?: string | undefined;
  composite: number;
}

/** A crash: the process stopped. Whatever the zone holds is what the next run finds. */
export class Crash extends Error {
  constructor(where: string) {
    super(`crash ${where}`);
    this.name = 'Crash';
  }
}

export interface Fault {
  readonly op: Op;
  readonly when: 'before' | 'after';
  /** Only calls whose object name passes this (compose: the target). */
  readonly name?: (name: string) => boolean;
  /** Crash on the nth matching call (1-based); default 1. */
  readonly nth?: number;
}

export class MemoryRawZone implements RawZone {
  readonly name = 'memory-raw';
  readonly objects = new Map<string, Stored>();
  readonly calls: { op: Op; name: string }[] = [];
  private generation = 1;
  private fault: (Fault & { seen: number }) | undefined;

  crashAt(fault: Fault): void {
    this.fault = { ...fault, seen: 0 };
  }

  private async step<T>(op: Op, name: string, fn: () => T): Promise<T> {
    const f = this.fault;
    const hit = f !== undefined && f.op === op && (f.name === undefined || f.name(name));
    if (hit && f.when === 'before' && ++f.seen === (f.nth ?? 1)) {
      this.fault = undefined;
      throw new Crash(`before ${op} ${name}`);
    }
    this.calls.push({ op, name });
    const result = fn();
    if (hit && f.when === 'after' && ++f.seen === (f.nth ?? 1)) {
      this.fault = undefined;
      throw new Crash(`after ${op} ${name}`);
    }
    return result;
  }

  put(name: string, body: Buffer | string, options: WriteOptions = { contentType: 'application/x-ndjson', contentEncoding: 'gzip' }): RawObject {
    this.objects.set(name, {
      bytes: Buffer.from(body),
      generation: this.generation++,
      storageClass: 'STANDARD',
      metadata: { ...options.metadata },
      contentType: options.contentType,
      contentEncoding: options.contentEncoding,
      composite: 0,
    });
    return this.info(name)!;
  }

  info(name: string): RawObject | null {
    const o = this.objects.get(name);
    if (o === undefined) return null;
    return {
      name,
      size: o.bytes.length,
      crc32c: crc32cToBase64(crc32c(o.bytes)),
      md5Hash: o.composite > 0 ? undefined : createHash('md5').update(o.bytes).digest('base64'),
      storageClass: o.storageClass,
      metadata: { ...o.metadata },
      generation: String(o.generation),
      ...(o.composite > 0 ? { componentCount: o.composite } : {}),
    };
  }

  list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    return this.step('list', prefix, () => {
      const names = [...this.objects.keys()].filter((n) => n.startsWith(prefix)).sort();
      const prefixes = new Set<string>();
      const direct: string[] = [];
      for (const n of names) {
        const cut = options.delimiter === undefined ? -1 : n.indexOf(options.delimiter, prefix.length);
        if (cut >= 0) prefixes.add(n.slice(0, cut + 1));
        else direct.push(n);
      }
      const start = Number(options.pageToken ?? 0);
      const size = options.maxResults ?? 1000;
      const page = direct.slice(start, start + size);
      return {
        objects: page.map((n) => {
          const o = this.info(n)!;
          const keys = options.metadataKeys;
          return keys === undefined ? o : { ...o, metadata: Object.fromEntries(Object.entries(o.metadata ?? {}).filter(([k]) => keys.has(k))) };
        }),
        prefixes: [...prefixes],
        nextPageToken: start + size < direct.length ? String(start + size) : undefined,
      };
    });
  }

  stat(name: string): Promise<RawObject | null> {
    return this.step('stat', name, () => this.info(name));
  }

  read(name: string): Promise<Buffer> {
    return this.step('read', name, () => {
      const o = this.objects.get(name);
      if (o === undefined) throw Object.assign(new Error(`No such object: ${name}`), { code: 404 });
      return Buffer.from(o.bytes);
    });
  }

  createOnce(name: string, body: Buffer | string, options: WriteOptions): Promise<RawObject | 'exists'> {
    return this.step('createOnce', name, () => (this.objects.has(name) ? ('exists' as const) : this.put(name, body, options)));
  }

  setMetadata(name: string, metadata: Readonly<Record<string, string>>, ifGenerationMatch?: string): Promise<'done' | 'changed'> {
    return this.step('setMetadata', name, () => {
      const o = this.objects.get(name);
      if (o === undefined || (ifGenerationMatch !== undefined && String(o.generation) !== ifGenerationMatch)) return 'changed' as const;
      Object.assign(o.metadata, metadata);
      return 'done' as const;
    });
  }

  setStorageClass(name: string, storageClass: string): Promise<void> {
    return this.step('setStorageClass', name, () => {
      const o = this.objects.get(name);
      if (o === undefined) throw Object.assign(new Error(`No such object: ${name}`), { code: 404 });
      o.storageClass = storageClass;
      o.generation = this.generation++;
    });
  }

  delete(name: string): Promise<'deleted' | 'absent'> {
    return this.step('delete', name, () => (this.objects.delete(name) ? ('deleted' as const) : ('absent' as const)));
  }

  compose(sources: readonly string[], target: string, options: WriteOptions): Promise<RawObject | 'exists'> {
    return this.step('compose', target, () => {
      if (sources.length === 0 || sources.length > COMPOSE_MAX_SOURCES) throw Object.assign(new Error(`compose of ${sources.length} sources`), { code: 400 });
      if (this.objects.has(target)) return 'exists' as const;
      const parts = sources.map((s) => {
        const o = this.objects.get(s);
        if (o === undefined) throw Object.assign(new Error(`No such object: ${s}`), { code: 404 });
        return o;
      });
      this.put(target, Buffer.concat(parts.map((p) => p.bytes)), options);
      this.objects.get(target)!.composite = parts.reduce((n, p) => n + Math.max(1, p.composite), 0);
      return this.info(target)!;
    });
  }
}

// CRC32C (Castagnoli), as Cloud Storage reports it (base64 of the big-endian value), and the
// combination of two CRCs into the CRC of the concatenation (zlib's crc32_combine, GF(2) matrix
// squaring). A composed object is the concatenation of its sources, so its CRC32C can be checked
// against the sources' CRCs from a listing, without reading a byte of them. Pure.
const POLY = 0x82f63b78;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

function times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i]!;
  return sum >>> 0;
}

function square(into: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) into[n] = times(mat, mat[n]!);
}

/** CRC32C of A‖B from crc(A), crc(B) and B's length in bytes. */
export function crc32cCombine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = POLY; // the operator for one zero bit
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row >>> 0;
  square(even, odd); // two zero bits
  square(odd, even); // four
  let crc = crcA >>> 0;
  let len = lengthB;
  for (;;) {
    square(even, odd);
    if (len % 2 === 1) crc = times(even, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
    square(odd, even);
    if (len % 2 === 1) crc = times(odd, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}

export function crc32cFromBase64(text: string): number | null {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === 4 ? bytes.readUInt32BE(0) : null;
}

export function crc32cToBase64(crc: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc >>> 0, 0);
  return bytes.toString('base64');
}

/** The CRC32C of the concatenation of parts given as (base64 CRC, length), or null if one lacks a CRC. */
export function concatenatedCrc32c(parts: readonly { readonly crc32c?: string | undefined; readonly size: number }[]): string | null {
  let crc = 0;
  for (const [i, p] of parts.entries()) {
    const c = p.crc32c === undefined ? null : crc32cFromBase64(p.crc32c);
    if (c === null) return null;
    crc = i === 0 ? c : crc32cCombine(crc, c, p.size);
  }
  return crc32cToBase64(crc);
}

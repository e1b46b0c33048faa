import { hash } from 'node:crypto';

const NAMESPACE = Buffer.from('6f1c2a7e5b3d4c8e9a0b1c2d3e4f5a6b', 'hex');
/** The namespace and the name, hashed as one buffer: one-shot hashing costs a fraction of a Hash object. */
let scratch = Buffer.alloc(1024);
NAMESPACE.copy(scratch);

/** A UUID v5 (RFC 9562): the same name always gives the same id, so a retried write carries the same event id. */
export function deterministicUuid(name: string): string {
  const needed = NAMESPACE.length + Buffer.byteLength(name);
  if (needed > scratch.length) {
    scratch = Buffer.alloc(needed * 2);
    NAMESPACE.copy(scratch);
  }
  const length = NAMESPACE.length + scratch.write(name, NAMESPACE.length);
  const digest = hash('sha1', scratch.subarray(0, length), 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

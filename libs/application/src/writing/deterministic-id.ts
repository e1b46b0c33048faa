import { createHash } from 'node:crypto';

const NAMESPACE = Buffer.from('6f1c2a7e5b3d4c8e9a0b1c2d3e4f5a6b', 'hex');

/** A UUID v5 (RFC 9562): the same name always gives the same id, so a retried write carries the same event id. */
export function deterministicUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

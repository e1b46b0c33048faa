/**
 * How an event's metadata is stored in the `metadata` column. Writers put `eventId` and `recordedAt` in the
 * metadata, and the row holds both as columns already: ~90 bytes of every event stored twice. A compact row leaves
 * them out and says where they stood, so the object read back has the same keys in the same order (an export of it
 * is byte for byte the export of what was written):
 *
 *   `{...}`              the metadata as written (rows stored before compaction, or metadata that differs)
 *   `[e, r, {...}]`      the metadata without `eventId` and `recordedAt`; `e` and `r` are the indexes they had
 *                        among its keys (-1: absent), their values those of the row's columns
 *
 * Both are JSON, so any SQLite tool still reads the column.
 */
export function compactMetadata(metadata: Readonly<Record<string, unknown>>, eventId: string, recordedAt: string): string {
  const keys = Object.keys(metadata);
  const e = metadata.eventId === eventId ? keys.indexOf('eventId') : -1;
  const r = metadata.recordedAt === recordedAt ? keys.indexOf('recordedAt') : -1;
  // Only when a column stands for a key: an `eventId` with another value (or no string) is kept as written.
  if (e === -1 && r === -1) return JSON.stringify(metadata);
  if ((e === -1 && 'eventId' in metadata) || (r === -1 && 'recordedAt' in metadata)) return JSON.stringify(metadata);
  const rest: Record<string, unknown> = {};
  for (const key of keys) if (key !== 'eventId' && key !== 'recordedAt') put(rest, key, metadata[key]);
  return `[${e},${r},${JSON.stringify(rest)}]`;
}

/** The metadata a row holds, as it was written (see `compactMetadata`). */
export function expandMetadata(stored: string, eventId: string, recordedAt: string): Record<string, unknown> {
  // '[': a compact row; anything else is the metadata object itself.
  if (stored.charCodeAt(0) !== 0x5b) return JSON.parse(stored) as Record<string, unknown>;
  const [e, r, rest] = JSON.parse(stored) as [number, number, Record<string, unknown>];
  const out: Record<string, unknown> = {};
  let index = 0;
  const place = () => {
    // Either column may have stood at this index; several times over if they were adjacent.
    for (;;) {
      if (index === e) out.eventId = eventId;
      else if (index === r) out.recordedAt = recordedAt;
      else return;
      index++;
    }
  };
  place();
  for (const key of Object.keys(rest)) {
    put(out, key, rest[key]);
    index++;
    place();
  }
  return out;
}

/** An own `__proto__` key (JSON.parse makes one) must stay a key, not become the prototype. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

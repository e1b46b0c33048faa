/**
 * Timeline entries as JSON, by version row (`vid`, the position of the event that wrote the version). A version
 * row never changes what its entry says: a correction writes a new version and only closes the old one's
 * recorded-time bound, which the page query checks, not the entry. So a page of entries already seen needs no
 * content read from the views, parsed and written out again: the SQL finds which versions are on the page, the
 * cache gives their text. A vid means the same version as long as the views are of the same log; views replaced
 * by a rebuild of another log are forgotten (`clear`).
 *
 * Bounded by the characters it holds (least recently used out first), not by entries: summaries vary in length.
 * An entry is kept from the second time it is built, not the first: a read of pages nobody reads again (a walk
 * through a big archive) would otherwise fill the cache with text that outlives the young generation and dies
 * in the old one, where collecting it costs the most. Vids seen once are remembered as small integers only.
 */
export class EntryCache {
  private readonly entries = new Map<number, { readonly developmentId: string; readonly json: string }>();
  private readonly seenOnce = new Set<number>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  /** The entry of `vid`, if cached for that development (a cheap check against a vid of another log). */
  get(vid: number, developmentId: string): string | undefined {
    const hit = this.entries.get(vid);
    if (!hit || hit.developmentId !== developmentId) return undefined;
    // Most recently used last.
    this.entries.delete(vid);
    this.entries.set(vid, hit);
    return hit.json;
  }

  /** Offers a built entry: kept if its vid was offered before (see above). */
  offer(vid: number, developmentId: string, json: string): void {
    if (!this.seenOnce.has(vid)) {
      if (this.seenOnce.size >= MAX_SEEN_ONCE) this.seenOnce.clear();
      this.seenOnce.add(vid);
      return;
    }
    this.seenOnce.delete(vid);
    const known = this.entries.get(vid);
    if (known) {
      this.chars -= known.json.length;
      this.entries.delete(vid);
    }
    this.entries.set(vid, { developmentId, json });
    this.chars += json.length;
    for (const [oldest, entry] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= entry.json.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.seenOnce.clear();
    this.chars = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Vids remembered as seen once, at most (a few MB of integers). */
const MAX_SEEN_ONCE = 500_000;

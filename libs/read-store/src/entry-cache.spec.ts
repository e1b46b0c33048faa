import { EntryCache } from './entry-cache';

describe('EntryCache', () => {
  it('keeps an entry from its second offer on, for the development it was offered for', () => {
    const cache = new EntryCache(1000);
    cache.offer(1, 'a', '{"x":1}');
    expect(cache.get(1, 'a')).toBeUndefined();
    cache.offer(1, 'a', '{"x":1}');
    expect(cache.get(1, 'a')).toBe('{"x":1}');
    // The same vid of another development (views of another log) is not this entry.
    expect(cache.get(1, 'b')).toBeUndefined();
  });

  it('holds at most its characters, dropping the least recently used first', () => {
    const cache = new EntryCache(10);
    const keep = (vid: number, json: string) => {
      cache.offer(vid, 'd', json);
      cache.offer(vid, 'd', json);
    };
    keep(1, 'aaaa');
    keep(2, 'bbbb');
    expect(cache.get(1, 'd')).toBe('aaaa');
    keep(3, 'cccc');
    expect(cache.get(2, 'd')).toBeUndefined();
    expect(cache.get(1, 'd')).toBe('aaaa');
    expect(cache.get(3, 'd')).toBe('cccc');
    expect(cache.size).toBe(2);
  });

  it('forgets everything on clear', () => {
    const cache = new EntryCache(100);
    cache.offer(1, 'd', 'x');
    cache.offer(1, 'd', 'x');
    cache.clear();
    expect(cache.get(1, 'd')).toBeUndefined();
    cache.offer(1, 'd', 'x');
    expect(cache.get(1, 'd')).toBeUndefined();
  });
});

/** One Server-Sent Event as a client sees it (comments kept apart). */
export interface SseEvent {
  readonly event: string;
  readonly id?: string;
  readonly data: string;
}

/**
 * A minimal Server-Sent Events reader after the WHATWG parsing rules: blocks separated by a blank line, `field: value`
 * lines, comments starting with a colon. Collects events and comments until `until` says stop or `timeoutMs` passes.
 */
export async function readSse(
  url: string,
  options: { headers?: Record<string, string>; until: (events: SseEvent[], comments: string[]) => boolean; timeoutMs?: number },
): Promise<{ status: number; events: SseEvent[]; comments: string[]; raw: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 10_000);
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let raw = '';
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...options.headers }, signal: abort.signal });
  if (response.status !== 200) {
    clearTimeout(timer);
    return { status: response.status, events, comments, raw: await response.text() };
  }
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    while (!options.until(events, comments)) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += value;
      buffer += value;
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const fields: Record<string, string[]> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
            continue;
          }
          const colon = line.indexOf(':');
          const name = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          (fields[name] ??= []).push(value);
        }
        if (fields.data)
          events.push({ event: fields.event?.[0] ?? 'message', ...(fields.id ? { id: fields.id[0] } : {}), data: fields.data.join('\n') });
      }
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { status: 200, events, comments, raw };
}

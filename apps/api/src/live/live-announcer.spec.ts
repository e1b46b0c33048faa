import type { AppliedEvent } from '@annals/projections';
import { LiveAnnouncer, type AnnouncerSteps } from './live-announcer';

/** Every tenth event is not about a development: the feed passes it over. */
const event = (position: number): AppliedEvent => ({
  position: BigInt(position),
  type: position % 10 === 0 ? 'OrganizationRegistered' : 'MeetingHeld',
  developmentId: `d${position}`,
  recordedAt: '2024-07-03T00:00:00.000Z',
});
const batch = (after: number, positions: number[]) => ({
  after: BigInt(after),
  last: BigInt(positions[positions.length - 1]!),
  events: positions.map((position) => event(position)),
});

/** An announcer over a log of `logSize` events (positions 1..logSize), recording what it announces and reads. */
function announcer(options: { logSize?: number; after?: number; viewsWaitMs?: number; observed?: () => boolean } = {}) {
  const announced: number[] = [];
  const reads: Array<[number, number]> = [];
  const steps: AnnouncerSteps = {
    readLog: async function* (after, upTo) {
      reads.push([Number(after), Number(upTo)]);
      for (let position = Number(after) + 1; position <= Math.min(Number(upTo), options.logSize ?? 100); position++) yield event(position);
    },
    observed: options.observed ?? (() => true),
    relevant: (e) => e.type !== 'OrganizationRegistered',
    announce: async (e) => void announced.push(Number(e.position)),
    failed: (error) => {
      throw error;
    },
    viewsWaitMs: options.viewsWaitMs ?? 60_000,
  };
  const live = new LiveAnnouncer(steps, BigInt(options.after ?? 0));
  return { live, announced, reads };
}

describe('LiveAnnouncer (the live feed following the projection runner)', () => {
  it('announces each event of a live batch, in log order, from the processor report alone', async () => {
    const { live, announced, reads } = announcer();
    live.progressed({ position: 3n, applied: batch(0, [1, 2, 3]) });
    live.progressed({ position: 5n, applied: batch(3, [4, 5]) });
    await live.settled();
    expect(announced).toEqual([1, 2, 3, 4, 5]);
    expect(reads).toEqual([]);
  });

  it('waits until every view includes an event (one projection behind holds it back)', async () => {
    const { live, announced } = announcer();
    live.progressed({ position: 1n, applied: batch(0, [1, 2, 3]) });
    await live.settled();
    expect(announced).toEqual([1]);
    live.progressed({ position: 3n });
    await live.settled();
    expect(announced).toEqual([1, 2, 3]);
  });

  it('reads from the log what the reports left out (a standby following checkpoints), each event once', async () => {
    const { live, announced, reads } = announcer();
    live.progressed({ position: 4n });
    live.progressed({ position: 6n, applied: batch(2, [3, 4, 5, 6]) });
    live.progressed({ position: 12n, applied: batch(8, [9, 10, 11, 12]) });
    await live.settled();
    expect(announced).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12]);
    expect(reads).toEqual([
      [0, 4],
      [6, 8],
    ]);
  });

  it('announces nothing at or before the position it starts after', async () => {
    const { live, announced } = announcer({ after: 4 });
    live.progressed({ position: 6n, applied: batch(0, [1, 2, 3, 4, 5, 6]) });
    await live.settled();
    expect(announced).toEqual([5, 6]);
  });

  it('reads and announces nothing while nobody listens, and goes on from there once someone does', async () => {
    let observed = false;
    const { live, announced, reads } = announcer({ observed: () => observed });
    live.progressed({ position: 3n, applied: batch(0, [1, 2, 3]) });
    live.progressed({ position: 8n });
    await live.settled();
    observed = true;
    live.progressed({ position: 9n, applied: batch(8, [9]) });
    await live.settled();
    expect(announced).toEqual([9]);
    expect(reads).toEqual([]);
  });

  it('announces an event the views have not caught up with once it has waited long enough', async () => {
    const { live, announced } = announcer({ viewsWaitMs: 30 });
    live.progressed({ position: 1n, applied: batch(0, [1, 2]) });
    await live.settled();
    expect(announced).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await live.settled();
    expect(announced).toEqual([1, 2]);
    await live.close();
  });
});

import { PositionWaiters } from './position-waiters';

describe('PositionWaiters', () => {
  it('answers at once for a position already reached', async () => {
    const waiters = new PositionWaiters(
      () => 5n,
      () => false,
    );
    expect(await waiters.waitFor(5n, 0)).toBe(true);
  });

  it('wakes a waiter when the position reaches what it waits for, not before', async () => {
    let position = 1n;
    const waiters = new PositionWaiters(
      () => position,
      () => false,
    );
    let answered: boolean | undefined;
    const waiting = waiters.waitFor(3n, 60_000).then((reached) => (answered = reached));
    position = 2n;
    waiters.wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBeUndefined();
    position = 3n;
    waiters.wake();
    expect(await waiting).toBe(true);
  });

  it('answers false after its timeout, and at once once stopped', async () => {
    let stopped = false;
    const waiters = new PositionWaiters(
      () => 0n,
      () => stopped,
    );
    expect(await waiters.waitFor(1n, 20)).toBe(false);
    const waiting = waiters.waitFor(1n, 60_000);
    stopped = true;
    waiters.wake();
    expect(await waiting).toBe(false);
  });
});

import type { AppliedEvent, RunnerProgress } from '@annals/projections';

export interface AnnouncerSteps {
  /** The events of the log after `after`, up to and including `upTo`: what the processor's reports did not list. */
  readonly readLog: (after: bigint, upTo: bigint) => AsyncIterable<AppliedEvent>;
  /** Someone listens: otherwise nothing is read or looked up (a write-heavy service pays nothing for the feed). */
  readonly observed: () => boolean;
  /** The events worth announcing (the others are passed over). */
  readonly relevant: (event: AppliedEvent) => boolean;
  /** Called once per event, in log order, once the views include it. */
  readonly announce: (event: AppliedEvent) => Promise<void>;
  readonly failed: (error: unknown) => void;
  /** How long an event may wait for the views to include it (one failing projection must not silence the feed). */
  readonly viewsWaitMs: number;
}

interface Waiting {
  readonly event: AppliedEvent;
  readonly since: number;
}

/**
 * The live feed's consumer of the projection runner's progress: the events the live processor applied, announced
 * in log order once every view includes them. Where the reports leave a gap (a standby follows the leader's
 * checkpoints, a rebuild's swap moves them at once), the missing part is read from the log, never subscribed to.
 */
export class LiveAnnouncer {
  /** The log is listed (or, unobserved, passed over) up to here. */
  private known: bigint;
  /** The position every view includes, as last reported. */
  private reached = 0n;
  private readonly waiting: Waiting[] = [];
  private work: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly steps: AnnouncerSteps,
    after: bigint,
  ) {
    this.known = after;
  }

  /** The runner moved. Reports are taken one at a time, in the order they came. */
  progressed(progress: RunnerProgress): void {
    this.work = this.work.then(() => this.take(progress)).catch((error: unknown) => this.steps.failed(error));
  }

  /** Resolves once every report taken so far has been dealt with. */
  settled(): Promise<void> {
    return this.work;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.work;
  }

  private async take({ position, applied }: RunnerProgress): Promise<void> {
    if (this.closed) return;
    if (position > this.reached) this.reached = position;
    if (!this.steps.observed()) {
      this.waiting.length = 0;
      const last = applied?.last ?? 0n;
      this.known = [this.known, last, position].reduce((a, b) => (b > a ? b : a));
      return;
    }
    if (applied && applied.last > this.known) {
      if (applied.after > this.known) await this.list(this.known, applied.after);
      for (const event of applied.events) this.queue(event);
      this.known = applied.last;
    }
    if (this.reached > this.known) {
      await this.list(this.known, this.reached);
      this.known = this.reached;
    }
    await this.announceDue();
  }

  private async list(after: bigint, upTo: bigint): Promise<void> {
    for await (const event of this.steps.readLog(after, upTo)) this.queue(event);
  }

  private queue(event: AppliedEvent): void {
    const lastQueued = this.waiting[this.waiting.length - 1]?.event.position ?? this.known;
    if (event.position <= lastQueued || event.position <= this.known) return;
    if (this.steps.relevant(event)) this.waiting.push({ event, since: Date.now() });
  }

  private async announceDue(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (let next = this.waiting[0]; next && this.due(next); next = this.waiting[0]) {
      this.waiting.shift();
      if (!this.steps.observed()) continue;
      await this.steps.announce(next.event);
    }
    const first = this.waiting[0];
    if (!first || this.closed) return;
    // The views have not caught up with it: it goes out anyway once it has waited long enough.
    this.timer = setTimeout(() => this.progressed({ position: this.reached }), first.since + this.steps.viewsWaitMs - Date.now());
    this.timer.unref();
  }

  private due(waiting: Waiting): boolean {
    return waiting.event.position <= this.reached || Date.now() - waiting.since >= this.steps.viewsWaitMs;
  }
}

import { CorrectDevelopmentCommand, developmentStream, organizationStream } from '@annals/application';
import { DomainError } from '@annals/domain';
import { ObservedStore, approval, context, meeting, writeSide } from './write-pipeline.support';

const SCO = organizationStream('SCO');

describe('DevelopmentLocator', () => {
  it('finds a development in its own stream from the first event alone, without asking the views', async () => {
    const store = new ObservedStore();
    await writeSide(store).record('m1', meeting('Talks in Astana'));
    // Another process: it has not seen m1 written.
    const { locator, views, progress } = writeSide(store);
    store.forget();
    expect(await locator.locate('m1')).toEqual({ stream: developmentStream('m1'), kind: 'meeting' });
    expect(store.reads).toEqual([{ stream: developmentStream('m1'), fromRevision: 0n, limit: 1, returned: 1 }]);
    expect(views.located).toEqual([]);
    expect(progress.waitedFor).toEqual([]);
  });

  it('answers from memory what its writer created or read lately: no read at all', async () => {
    const store = new ObservedStore();
    const { locator, record, register, views } = writeSide(store);
    await register('SCO');
    await record('m1', meeting('Talks in Astana'));
    await record('a1', approval('SCO', 'BY', '2024-07-04'));
    store.forget();
    expect(await locator.locate('m1')).toEqual({ stream: developmentStream('m1'), kind: 'meeting' });
    expect(await locator.locate('a1')).toEqual({ stream: SCO, kind: 'membership-approval' });
    expect(store.reads).toEqual([]);
    expect(views.located).toEqual([]);
  });

  it("finds a development of an organization's stream through the views, waiting for them when it is not there yet", async () => {
    const store = new ObservedStore();
    const writer = writeSide(store);
    await writer.register('SCO');
    await writer.record('a1', approval('SCO', 'BY', '2024-07-04'));
    const { locator, views, progress } = writeSide(store);
    // Recorded a moment ago: the views reach it once they catch up with the log.
    views.project('a1', SCO, 'membership-approval');
    expect(await locator.locate('a1')).toEqual({ stream: SCO, kind: 'membership-approval' });
    expect(views.located).toEqual(['a1', 'a1']);
    expect(progress.waitedFor).toEqual([await store.headPosition()]);
  });

  it('finds a summit an older log held in its organization stream, and corrects it there', async () => {
    const store = new ObservedStore();
    const side = writeSide(store);
    await side.register('SCO');
    const summit = { occurredOn: '2019-06-14', title: 'Bishkek summit', organization: 'SCO', host: 'KG' };
    await store.append(
      SCO,
      [{ eventId: '5a0f5a9e-5c1e-4c55-9d4c-6f1d2b8e7c01', type: 'SummitHeld', data: { developmentId: 's1', ...summit }, metadata: {} }],
      { expectedRevision: 0n },
    );
    const { locator, views, planner, writer } = writeSide(store);
    views.hold('s1', SCO, 'summit');
    const location = await locator.locate('s1');
    expect(location).toEqual({ stream: SCO, kind: 'summit' });
    const plan = await planner.correct(
      new CorrectDevelopmentCommand('s1', { title: 'SCO summit in Bishkek' }, 'title', undefined, context, location),
    );
    const result = await writer.execute(plan);
    expect(result).toMatchObject({ stream: SCO, kind: 'summit', revision: 2, created: true });
    expect((await store.readStream(SCO, { fromRevision: 2n })).map((event) => [event.type, event.data])).toEqual([
      ['DevelopmentCorrected', { developmentId: 's1', kind: 'summit', changes: { title: 'SCO summit in Bishkek' }, reason: 'title' }],
    ]);
  });

  it('answers DEVELOPMENT_NOT_FOUND when neither its own stream nor the views, caught up, know it', async () => {
    const store = new ObservedStore();
    const writer = writeSide(store);
    await writer.register('SCO');
    const { locator, views, progress } = writeSide(store);
    const failure = await locator.locate('nowhere').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure).toMatchObject({ code: 'DEVELOPMENT_NOT_FOUND' });
    expect(views.located).toEqual(['nowhere', 'nowhere']);
    expect(progress.waitedFor).toEqual([1n]);
  });

  it("does not take an organization's registration for a development", async () => {
    const store = new ObservedStore();
    await writeSide(store).register('SCO');
    const { locator } = writeSide(store);
    await expect(locator.locate('organization-SCO')).rejects.toMatchObject({ code: 'DEVELOPMENT_NOT_FOUND' });
  });
});

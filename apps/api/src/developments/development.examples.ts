import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DevelopmentKind } from '@annals/domain';
import { sampleDataFile } from '../persistence/annals-lifecycle';

/**
 * Request examples are facts of the bundled sample story, read from the sample dataset itself, ids included: so
 * "Try it out" on a service seeded with it answers 200 "already recorded" and adds nothing to its timelines.
 */
const SAMPLE_IDS: Partial<Record<DevelopmentKind, { id: string; summary: string }>> = {
  meeting: {
    id: 'd8bc22be-5287-4107-a939-0c3dc8188dc4',
    summary: 'Xi Jinping and Vladimir Putin meet in Astana, on the sidelines of the SCO summit',
  },
  summit: { id: 'ed08356b-6cea-4041-8802-430f03bf1b55', summary: 'The SCO summit in Astana, 3–4 July 2024' },
  'membership-approval': { id: '14bbc946-f1c7-45aa-962a-97c4c326ca7c', summary: 'Belarus joins the SCO on 4 July 2024' },
  'presidency-handover': { id: '5c2c3dec-c092-4aed-b242-757817b8da87', summary: 'China takes over the SCO presidency from Kazakhstan' },
  'peace-summit': { id: 'bb41d9a5-9709-4f38-b947-82e987a67035', summary: 'The Bürgenstock peace summit of June 2024' },
};

/** Not in the sample story (it records no membership ending); a real one, which the sample's store refuses (no COE members recorded). */
const MEMBERSHIP_ENDING_EXAMPLE = {
  organization: 'COE',
  country: 'RU',
  reason: 'expulsion',
  occurredOn: '2022-03-16',
  title: 'Russia is excluded from the Council of Europe',
  summary:
    'The Committee of Ministers decided that the Russian Federation ceased to be a member of the Council of Europe as from 16 March 2022.',
  sources: [{ publisher: 'Council of Europe (coe.int)', publishedOn: '2022-03-16' }],
};

let lines: Array<Record<string, unknown>> | undefined;
function sampleLines(): Array<Record<string, unknown>> {
  if (lines) return lines;
  // The authored lines of the sample story, next to the export the store is seeded from.
  const exported = sampleDataFile();
  const file = exported ? join(dirname(exported), 'sample-developments.ndjson') : undefined;
  lines =
    file && existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      : [];
  return lines;
}

/** The sample line of a development as a request body of its endpoint (no `kind`), or undefined. */
export function sampleBody(kind: DevelopmentKind): Record<string, unknown> | undefined {
  const wanted = SAMPLE_IDS[kind];
  const line = sampleLines().find((candidate) => candidate.kind === kind && (!wanted || candidate.id === wanted.id));
  if (!line) return kind === 'membership-ending' ? MEMBERSHIP_ENDING_EXAMPLE : undefined;
  const { kind: _kind, ...body } = line;
  return body;
}

export function bodyExamples(kind: DevelopmentKind): Record<string, { summary: string; value: unknown }> {
  const value = sampleBody(kind);
  if (!value) return {};
  const summary = SAMPLE_IDS[kind]?.summary ?? 'Russia is excluded from the Council of Europe (16 March 2022)';
  return { [kind]: { summary, value } };
}

/** Two lines of the sample story: Belarus joins the SCO, then China takes its presidency. */
export function importExample(): string {
  return (['membership-approval', 'presidency-handover'] as const)
    .map((kind) => JSON.stringify({ kind, ...sampleBody(kind) }))
    .join('\n')
    .concat('\n');
}

export const CORRECTION_EXAMPLE = {
  changes: { title: 'Xi Jinping and Vladimir Putin meet in Astana on the sidelines of the SCO summit' },
  reason: 'The talks were held on the sidelines of the summit, on its first day',
  sources: [{ url: 'https://tass.com/world/1811995', publisher: 'TASS' }],
};

export const RETRACTION_EXAMPLE = { reason: 'Recorded twice: the same talks are d8bc22be-5287-4107-a939-0c3dc8188dc4' };

export const EXAMPLE_DEVELOPMENT_ID = 'd8bc22be-5287-4107-a939-0c3dc8188dc4';

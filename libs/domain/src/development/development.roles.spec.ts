import { countriesOf, rolesOf, type Development } from './development.types';

const burgenstock = {
  kind: 'peace-summit',
  content: {
    occurredOn: '2024-06-15',
    title: 'Summit on Peace in Ukraine',
    host: 'CH',
    location: { city: 'Bürgenstock', country: 'CH' },
    attendees: ['AR', 'UA'],
    absentees: [
      { country: 'CN', reason: 'declined' },
      { country: 'RU', reason: 'not-invited' },
    ],
  },
} as Development;

describe('roles', () => {
  it("names a peace summit's host, attendees and absentees apart; a country may hold several roles", () => {
    expect(rolesOf(burgenstock)).toEqual([
      { country: 'CH', role: 'host' },
      { country: 'CH', role: 'location' },
      { country: 'AR', role: 'attendee' },
      { country: 'UA', role: 'attendee' },
      { country: 'CN', role: 'absentee' },
      { country: 'RU', role: 'absentee' },
    ]);
    expect(countriesOf(burgenstock)).toEqual(['AR', 'CH', 'CN', 'RU', 'UA']);
  });

  it('names each participant country once, the member of a membership, and both sides of a handover', () => {
    const meeting = {
      kind: 'meeting',
      content: {
        occurredOn: '2024-07-03',
        title: 'Talks',
        participants: [
          { name: 'Xi Jinping', country: 'CN' },
          { name: 'Wang Yi', country: 'CN' },
          { name: 'Vladimir Putin', country: 'RU' },
        ],
        location: { city: 'Astana', country: 'KZ' },
      },
    } as Development;
    expect(rolesOf(meeting)).toEqual([
      { country: 'CN', role: 'participant' },
      { country: 'RU', role: 'participant' },
      { country: 'KZ', role: 'location' },
    ]);
    const joins = {
      kind: 'membership-approval',
      content: { occurredOn: '2024-07-04', title: 'Belarus joins', organization: 'SCO', country: 'BY', status: 'member' },
    } as Development;
    expect(rolesOf(joins)).toEqual([{ country: 'BY', role: 'member' }]);
    const handover = {
      kind: 'presidency-handover',
      content: { occurredOn: '2024-07-04', title: 'China takes over', organization: 'SCO', from: 'KZ', to: 'CN' },
    } as Development;
    expect(rolesOf(handover)).toEqual([
      { country: 'KZ', role: 'from' },
      { country: 'CN', role: 'to' },
    ]);
  });
});

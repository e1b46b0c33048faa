import { deterministicUuid } from '@annals/application';

describe('deterministicUuid', () => {
  it('gives the ids stored logs already hold for the same names (creations, imports, organizations)', () => {
    expect(deterministicUuid('organization:SCO')).toBe('7503a007-6e5a-5430-a556-22e158602b31');
    expect(deterministicUuid('d1:created')).toBe('52184231-be6a-501f-b672-4b6d85155861');
    expect(deterministicUuid('import:meeting:{"title":"Ünïcödé talks"}')).toBe('02b86808-5b66-52cb-aa0f-1bdf63950418');
  });

  it('hashes names of any length', () => {
    const long = 'é'.repeat(5000);
    expect(deterministicUuid(long)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid(long)).not.toBe(deterministicUuid(`${long}x`));
    expect(deterministicUuid('d1:created')).toBe('52184231-be6a-501f-b672-4b6d85155861');
  });
});

import { returnPath, returnToState } from './return-to';

describe('returnPath', () => {
  it('returns to the page that required logging in', () => {
    const state = returnToState({ pathname: '/room/abc', search: '?x=1', hash: '#y' });
    expect(returnPath(state)).toBe('/room/abc?x=1#y');
  });

  it.each([
    [undefined],
    [null],
    [{}],
    [{ from: { pathname: '//evil.example/x' } }],
    [{ from: { pathname: 'https://evil.example' } }],
    [{ from: { pathname: '/login' } }],
    [{ from: 'string' }],
  ])('goes home for %p', (state) => {
    expect(returnPath(state)).toBe('/');
  });
});

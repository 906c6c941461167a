/** @jest-environment jsdom */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CallLayout, type StageTile } from './call-layout';

const tile = (key: string, featured = false): StageTile => ({
  key,
  name: key,
  featured,
  content: <div role="group" aria-label={key} />,
});

const placeOf = (name: string) => {
  const group = screen.getByRole('group', { name });
  if (group.closest('.stage__main')) return 'main';
  return group.closest('.stage__strip') ? 'strip' : 'grid';
};

describe('CallLayout', () => {
  it('puts a featured tile (a shared screen) large by default, the others in the strip', () => {
    render(<CallLayout tiles={[tile('alice'), tile("bob's screen", true), tile('bob')]} />);
    expect(["bob's screen", 'alice', 'bob'].map(placeOf)).toEqual(['main', 'strip', 'strip']);
  });

  it('lets a pinned tile take the place of a featured one, and gives it back on unpin', async () => {
    const user = userEvent.setup();
    render(<CallLayout tiles={[tile('alice'), tile("bob's screen", true)]} />);
    await user.click(screen.getByRole('button', { name: 'Pin alice' }));
    expect(placeOf('alice')).toBe('main');
    await user.click(screen.getByRole('button', { name: 'Unpin alice' }));
    expect(placeOf("bob's screen")).toBe('main');
  });

  it('forgets a pin when its tile goes', async () => {
    const user = userEvent.setup();
    const { rerender } = render(<CallLayout tiles={[tile('alice'), tile('bob')]} />);
    await user.click(screen.getByRole('button', { name: 'Pin bob' }));
    rerender(<CallLayout tiles={[tile('alice')]} />);
    expect(placeOf('alice')).toBe('grid');
  });
});

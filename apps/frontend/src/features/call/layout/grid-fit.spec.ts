import { fitGrid } from './grid-fit';

describe('fitGrid', () => {
  it('puts two people side by side on a wide screen and one above the other on a phone', () => {
    expect(fitGrid(2, 1280, 600)).toMatchObject({ columns: 2, rows: 1 });
    expect(fitGrid(2, 360, 560)).toMatchObject({ columns: 1, rows: 2 });
  });

  it('fills the height with one person instead of leaving half the screen empty', () => {
    const fit = fitGrid(1, 1280, 600);
    expect(fit).toEqual({ columns: 1, rows: 1, width: 1066, height: 600 });
  });

  it('grows the tiles as far as the space allows, gaps included', () => {
    const fit = fitGrid(4, 1280, 720, 16 / 9, 10);
    expect(fit).toMatchObject({ columns: 2, rows: 2 });
    expect(fit.width * 2 + 10).toBeLessThanOrEqual(1280);
    expect(fit.height * 2 + 10).toBeLessThanOrEqual(720);
    expect(fit.height).toBe(355);
  });

  it('arranges six in three columns on a desktop, two on a phone, one on a very tall one', () => {
    expect(fitGrid(6, 1280, 640)).toMatchObject({ columns: 3, rows: 2 });
    expect(fitGrid(6, 360, 600)).toMatchObject({ columns: 2, rows: 3 });
    expect(fitGrid(6, 360, 1300)).toMatchObject({ columns: 1, rows: 6 });
  });
});

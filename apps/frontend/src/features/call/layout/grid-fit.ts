/** How a grid of equal tiles is arranged: columns × rows, each tile `width` × `height` px. */
export interface GridFit {
  columns: number;
  rows: number;
  width: number;
  height: number;
}

/**
 * The arrangement of `count` tiles of the given aspect ratio (width / height) that makes them
 * as large as possible inside `width` × `height`, with `gap` px between them — so the grid
 * fills the screen whether it is a wide desktop or a phone held upright.
 */
export function fitGrid(
  count: number,
  width: number,
  height: number,
  aspect = 16 / 9,
  gap = 0,
): GridFit {
  let best: GridFit = { columns: 1, rows: Math.max(count, 1), width: 0, height: 0 };
  for (let columns = 1; columns <= Math.max(count, 1); columns++) {
    const rows = Math.ceil(count / columns);
    const cellWidth = (width - gap * (columns - 1)) / columns;
    const cellHeight = (height - gap * (rows - 1)) / rows;
    const tileWidth = Math.max(0, Math.min(cellWidth, cellHeight * aspect));
    if (tileWidth > best.width) {
      best = {
        columns,
        rows,
        width: Math.floor(tileWidth),
        height: Math.floor(tileWidth / aspect),
      };
    }
  }
  return best;
}

import { useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { fitGrid } from './grid-fit';
import { useElementSize } from './use-element-size';
import { useFullscreen } from './use-fullscreen';

/** One tile as the layout places it; anything that shows a tile (a camera, a shared screen) is one. */
export interface StageTile {
  /** Stable across renders, unique on the stage. */
  key: string;
  /** Whom or what it shows, for "Pin <name>". */
  name: string;
  /** Large by default (a shared screen); a tile the person pinned still comes first. */
  featured?: boolean;
  /** The tile itself. */
  content: ReactNode;
  /** More buttons for this tile (the host's Mute and Remove). */
  actions?: ReactNode;
}

const GAP_PX = 8;

/**
 * The tiles of a call. Without a focus, a grid that fills the space, tiles as large as fit.
 * With one (a pinned tile, or else the first featured one), that tile takes the space and the
 * others line up in a strip below it. Pinning is this person's view only.
 */
export function CallLayout({ tiles }: { tiles: readonly StageTile[] }) {
  const [pinnedKey, setPinnedKey] = useState<string | null>(null);
  const pinned = tiles.find((tile) => tile.key === pinnedKey);
  const focus = pinned ?? tiles.find((tile) => tile.featured);
  const frame = (tile: StageTile) => (
    <TileFrame
      key={tile.key}
      tile={tile}
      pinned={tile === pinned}
      onPin={() => setPinnedKey(tile === pinned ? null : tile.key)}
    />
  );

  if (!focus) return <TileGrid count={tiles.length}>{tiles.map(frame)}</TileGrid>;
  const others = tiles.filter((tile) => tile !== focus);
  return (
    <div className="stage stage--focus">
      <div className="stage__main">{frame(focus)}</div>
      {others.length > 0 ? <div className="stage__strip">{others.map(frame)}</div> : null}
    </div>
  );
}

function TileGrid({ count, children }: { count: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const size = useElementSize(ref);
  let style: CSSProperties | undefined;
  if (size && size.width > 0 && size.height > 0) {
    const fit = fitGrid(count, size.width, size.height, 16 / 9, GAP_PX);
    style = {
      gridTemplateColumns: `repeat(${fit.columns}, ${fit.width}px)`,
      gridAutoRows: `${fit.height}px`,
    };
  }
  return (
    <div ref={ref} className="stage stage--grid" data-count={count} style={style}>
      {children}
    </div>
  );
}

interface TileFrameProps {
  tile: StageTile;
  pinned: boolean;
  onPin(): void;
}

/** A tile with its own buttons: Pin/Unpin, Full screen, and whatever the tile adds. */
function TileFrame({ tile, pinned, onPin }: TileFrameProps) {
  const [element, setElement] = useState<HTMLDivElement | null>(null);
  const fullscreen = useFullscreen();
  const isFullscreen = element !== null && fullscreen.element === element;
  return (
    <div ref={setElement} className="tile-frame" data-pinned={pinned || undefined}>
      {tile.content}
      <div className="tile-frame__actions">
        <button
          type="button"
          className="tile-button"
          aria-label={`${pinned ? 'Unpin' : 'Pin'} ${tile.name}`}
          onClick={onPin}
        >
          {pinned ? 'Unpin' : 'Pin'}
        </button>
        {fullscreen.supported ? (
          <button
            type="button"
            className="tile-button"
            aria-label={isFullscreen ? 'Exit full screen' : `Full screen ${tile.name}`}
            onClick={() => element && fullscreen.toggle(element)}
          >
            {isFullscreen ? 'Exit full screen' : 'Full screen'}
          </button>
        ) : null}
        {tile.actions}
      </div>
    </div>
  );
}

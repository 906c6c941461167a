import { openSync, writeSync, closeSync } from 'node:fs';

export interface SyntheticCameraOptions {
  width?: number;
  height?: number;
  fps?: number;
  /** Length of the clip; Chromium loops it. */
  seconds?: number;
}

/**
 * Writes a busy synthetic camera clip as Y4M (4:2:0) to `path`, for Chromium's
 * `--use-file-for-fake-video-capture`. Chromium's own fake camera is a nearly static pattern that
 * needs almost no bitrate, so an uplink cap never bites; this clip is a moving gradient under
 * blocks of fresh noise every frame, which a video encoder cannot squeeze into a few kbit/s.
 * Returns the path. Dimensions must be even.
 */
export function writeSyntheticCamera(path: string, options: SyntheticCameraOptions = {}): string {
  const { width = 320, height = 240, fps = 15, seconds = 4 } = options;
  if (width % 2 || height % 2)
    throw new Error(`Y4M 4:2:0 needs even dimensions: ${width}x${height}`);
  const chroma = (width / 2) * (height / 2);
  const frame = Buffer.alloc(width * height + 2 * chroma);
  // A fixed seed: every run sends the same clip.
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) & 0xff;
  };
  const block = 8;
  const file = openSync(path, 'w');
  try {
    writeSync(file, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (let n = 0; n < fps * seconds; n++) {
      for (let by = 0; by < height; by += block) {
        for (let bx = 0; bx < width; bx += block) {
          const noise = random();
          for (let y = by; y < by + block && y < height; y++) {
            for (let x = bx; x < bx + block && x < width; x++) {
              const gradient = (x + y + n * 6) & 0xff;
              frame[y * width + x] = (gradient + noise) >> 1;
            }
          }
        }
      }
      for (let i = 0; i < chroma; i++) {
        frame[width * height + i] = (i + n * 3) & 0xff;
        frame[width * height + chroma + i] = random();
      }
      writeSync(file, 'FRAME\n');
      writeSync(file, frame);
    }
  } finally {
    closeSync(file);
  }
  return path;
}

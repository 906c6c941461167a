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
 * needs almost no bitrate, so an uplink cap never bites. This clip is a block texture sliding over
 * another under fresh fine noise every frame: an encoder uses all the bitrate it is given for a
 * sharper picture, yet at a low bitrate it still keeps the frame rate, as with a camera (fresh
 * full-range noise would not: the encoder drops frames instead). Returns the path. Dimensions
 * must be even.
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
  // Large blocks of mid-range texture sliding across a static one, under fine noise of small
  // amplitude: the encoder spends whatever it is given on the noise, yet at a high quantizer the
  // noise vanishes and the frame is cheap.
  const block = 32;
  const texture = (w: number, h: number) => {
    const cells = Uint8Array.from({ length: w * h }, () => 64 + (random() >> 1));
    return (x: number, y: number) => cells[(((y / block) | 0) % h) * w + (((x / block) | 0) % w)]!;
  };
  const moving = texture(width / block + 1, height / block + 1);
  const still = texture(width / block + 1, height / block + 1);
  const file = openSync(path, 'w');
  try {
    writeSync(file, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (let n = 0; n < fps * seconds; n++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const layers = (moving(x + 2 * n, y + n) + still(x, y)) >> 1;
          frame[y * width + x] = layers + (random() >> 3) - 16;
        }
      }
      for (let i = 0; i < chroma; i++) {
        frame[width * height + i] = (i / 4 + n * 3) & 0xff;
        frame[width * height + chroma + i] = (i / 8 + n * 5) & 0xff;
      }
      writeSync(file, 'FRAME\n');
      writeSync(file, frame);
    }
  } finally {
    closeSync(file);
  }
  return path;
}

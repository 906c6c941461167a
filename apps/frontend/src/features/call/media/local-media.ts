import { Store } from '../../../lib/store';
import type { MediaState } from '../mesh/types';

/** What became of one kind of device when we asked for it. */
export type DeviceStatus =
  | 'pending'
  /** Working and in the stream. */
  | 'ok'
  /** The person or the browser refused permission. */
  | 'blocked'
  /** No such device (or the chosen one is gone). */
  | 'absent'
  /** Present but could not start (in use by another app, hardware error). */
  | 'busy'
  /** The page cannot use media devices at all (insecure context, old browser). */
  | 'unsupported';

export interface DeviceOption {
  deviceId: string;
  label: string;
}

export interface LocalMediaSnapshot {
  /** True while devices are being opened. */
  acquiring: boolean;
  /** Our camera and/or microphone; null when neither could be opened. */
  stream: MediaStream | null;
  camera: DeviceStatus;
  microphone: DeviceStatus;
  muted: boolean;
  cameraOff: boolean;
  cameras: readonly DeviceOption[];
  microphones: readonly DeviceOption[];
  speakers: readonly DeviceOption[];
  cameraId: string | null;
  microphoneId: string | null;
  /** Output for remote audio, applied with `setSinkId` where the browser supports it. */
  speakerId: string | null;
}

/** The part of `navigator.mediaDevices` used here. */
export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
}

type Kind = 'audio' | 'video';

const initial: LocalMediaSnapshot = {
  acquiring: false,
  stream: null,
  camera: 'pending',
  microphone: 'pending',
  muted: false,
  cameraOff: false,
  cameras: [],
  microphones: [],
  speakers: [],
  cameraId: null,
  microphoneId: null,
  speakerId: null,
};

/**
 * What the others get of us: nothing from a device that is switched off or not working. Our own
 * tile and what we tell peers both read it from here.
 */
export function outgoingMediaState(state: LocalMediaSnapshot): MediaState {
  return {
    muted: state.muted || state.microphone !== 'ok',
    cameraOff: state.cameraOff || state.camera !== 'ok',
  };
}

/** Maps a getUserMedia rejection to what a person can act on. */
export function classifyMediaError(error: unknown): DeviceStatus {
  const name = error instanceof Error || isNamed(error) ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'blocked';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'absent';
    default:
      return 'busy';
  }
}

function isNamed(value: unknown): value is { name: string } {
  return (
    typeof value === 'object' && value !== null && typeof Reflect.get(value, 'name') === 'string'
  );
}

/**
 * Our camera and microphone for one meeting: opened with fallbacks (both → microphone only →
 * camera only → nothing) so a blocked or missing device never stops anyone from joining, with
 * mute and camera-off as track switches and device choice. Observable like the mesh session.
 */
export class LocalMedia {
  private readonly store = new Store<LocalMediaSnapshot>(initial);
  /** Bumped by every acquire/stop, so a slow acquire that was overtaken releases its devices. */
  private generation = 0;

  readonly getSnapshot = this.store.getSnapshot;
  readonly subscribe = this.store.subscribe;

  constructor(private readonly devices: MediaDevicesLike | undefined) {}

  /** Opens the chosen (or default) camera and microphone, replacing any open ones. */
  async acquire(): Promise<void> {
    const generation = this.release();
    if (!this.devices) {
      this.store.update((s) => ({ ...s, camera: 'unsupported', microphone: 'unsupported' }));
      return;
    }
    this.store.update((s) => ({ ...s, acquiring: true }));
    const result = await this.open(this.devices);
    if (generation !== this.generation) {
      stopTracks(result.stream);
      return;
    }
    const options = await this.listDevices(this.devices);
    if (generation !== this.generation) {
      stopTracks(result.stream);
      return;
    }
    const { muted, cameraOff } = this.store.getSnapshot();
    setEnabled(result.stream, 'audio', !muted);
    setEnabled(result.stream, 'video', !cameraOff);
    this.store.update((s) => ({ ...s, ...result, ...options, acquiring: false }));
  }

  async selectCamera(deviceId: string): Promise<void> {
    this.store.update((s) => ({ ...s, cameraId: deviceId }));
    await this.acquire();
  }

  async selectMicrophone(deviceId: string): Promise<void> {
    this.store.update((s) => ({ ...s, microphoneId: deviceId }));
    await this.acquire();
  }

  selectSpeaker(deviceId: string): void {
    this.store.update((s) => ({ ...s, speakerId: deviceId }));
  }

  setMuted(muted: boolean): void {
    setEnabled(this.store.getSnapshot().stream, 'audio', !muted);
    this.store.update((s) => ({ ...s, muted }));
  }

  setCameraOff(cameraOff: boolean): void {
    setEnabled(this.store.getSnapshot().stream, 'video', !cameraOff);
    this.store.update((s) => ({ ...s, cameraOff }));
  }

  /**
   * Turns the microphone or camera on. One that did not work (missing, blocked, busy) is asked
   * for again: the person plugged a camera in or allowed it, and the call gets it without a
   * rejoin (the mesh adds the new track).
   */
  async turnOn(kind: Kind): Promise<void> {
    if (kind === 'audio') this.setMuted(false);
    else this.setCameraOff(false);
    const state = this.store.getSnapshot();
    const status = kind === 'audio' ? state.microphone : state.camera;
    if (status !== 'ok' && canRetry(status)) await this.acquire();
  }

  /** Releases the devices (the camera light goes off). */
  stop(): void {
    this.release();
  }

  private release(): number {
    this.generation += 1;
    stopTracks(this.store.getSnapshot().stream);
    this.store.update((s) => ({ ...s, stream: null, acquiring: false }));
    return this.generation;
  }

  private async open(devices: MediaDevicesLike) {
    const { cameraId, microphoneId } = this.store.getSnapshot();
    const audio: MediaTrackConstraints | boolean = microphoneId
      ? { deviceId: { exact: microphoneId } }
      : true;
    // A mesh sends one copy per participant: a modest resolution keeps six people possible.
    const video: MediaTrackConstraints = {
      width: { ideal: 640 },
      height: { ideal: 360 },
      ...(cameraId ? { deviceId: { exact: cameraId } } : {}),
    };
    try {
      const stream = await devices.getUserMedia({ audio, video });
      return { stream, microphone: statusOf(stream, 'audio'), camera: statusOf(stream, 'video') };
    } catch {
      // Ask for each separately to learn which one failed, and why.
    }
    const microphone = await openOne(devices, { audio });
    const camera = await openOne(devices, { video });
    const stream = microphone.stream ?? camera.stream;
    if (stream && microphone.stream && camera.stream) {
      for (const track of camera.stream.getTracks()) stream.addTrack(track);
    }
    return { stream, microphone: microphone.status, camera: camera.status };
  }

  private async listDevices(devices: MediaDevicesLike) {
    let infos: MediaDeviceInfo[] = [];
    try {
      infos = await devices.enumerateDevices();
    } catch {
      // The pickers stay empty; the default devices still work.
    }
    const pick = (kind: MediaDeviceKind, noun: string): DeviceOption[] =>
      infos
        .filter((info) => info.kind === kind && info.deviceId !== '')
        .map((info, index) => ({
          deviceId: info.deviceId,
          label: info.label || `${noun} ${index + 1}`,
        }));
    return {
      cameras: pick('videoinput', 'Camera'),
      microphones: pick('audioinput', 'Microphone'),
      speakers: pick('audiooutput', 'Speaker'),
    };
  }
}

async function openOne(
  devices: MediaDevicesLike,
  constraints: MediaStreamConstraints,
): Promise<{ stream: MediaStream | null; status: DeviceStatus }> {
  try {
    const stream = await devices.getUserMedia(constraints);
    return { stream, status: 'ok' };
  } catch (error) {
    return { stream: null, status: classifyMediaError(error) };
  }
}

/** Whether asking for a device again may help: not while asking, not where there are none. */
export function canRetry(status: DeviceStatus): boolean {
  return status === 'absent' || status === 'blocked' || status === 'busy';
}

function statusOf(stream: MediaStream, kind: Kind): DeviceStatus {
  return stream.getTracks().some((track) => track.kind === kind) ? 'ok' : 'absent';
}

function setEnabled(stream: MediaStream | null, kind: Kind, enabled: boolean): void {
  for (const track of stream?.getTracks() ?? []) {
    if (track.kind === kind) track.enabled = enabled;
  }
}

function stopTracks(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

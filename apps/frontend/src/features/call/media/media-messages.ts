import type { DeviceStatus } from './local-media';

/** A problem with our own devices, in words: what happened and what to do. */
export interface MediaProblem {
  device: 'camera' | 'microphone' | 'both';
  text: string;
}

const cameraText: Partial<Record<DeviceStatus, string>> = {
  blocked:
    'Camera blocked: this browser is not allowing the page to use your camera. You can join without video; to use it, allow the camera in the site settings (the icon in the address bar), then press Turn camera on.',
  absent:
    'No camera found. You can join without video; connect a camera, then press Turn camera on to be seen.',
  busy: 'Your camera could not start; another app may be using it. Close that app, then choose the camera again.',
};

const microphoneText: Partial<Record<DeviceStatus, string>> = {
  blocked:
    'Microphone blocked: this browser is not allowing the page to use your microphone. You can join and listen, but others will not hear you; allow the microphone in the site settings, then press Unmute.',
  absent:
    'No microphone found. You can join and listen, but others will not hear you until you connect one and press Unmute.',
  busy: 'Your microphone could not start; another app may be using it. Close that app, then choose the microphone again.',
};

/** Every device problem worth telling the person about, for the pre-join page and the call. */
export function describeMediaProblems(
  camera: DeviceStatus,
  microphone: DeviceStatus,
): MediaProblem[] {
  if (camera === 'unsupported' || microphone === 'unsupported') {
    return [
      {
        device: 'both',
        text: 'This browser cannot use a camera or microphone on this page (it needs HTTPS and a current browser). You can still join to watch and listen.',
      },
    ];
  }
  const problems: MediaProblem[] = [];
  const cam = cameraText[camera];
  const mic = microphoneText[microphone];
  if (cam) problems.push({ device: 'camera', text: cam });
  if (mic) problems.push({ device: 'microphone', text: mic });
  if (cam && mic) {
    problems.push({
      device: 'both',
      text: 'You will join receive-only: you can see and hear the others, but they will not see or hear you.',
    });
  }
  return problems;
}

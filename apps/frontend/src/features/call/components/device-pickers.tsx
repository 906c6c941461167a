import { useId } from 'react';
import type { DeviceOption, LocalMedia, LocalMediaSnapshot } from '../media/local-media';

interface PickerProps {
  label: string;
  options: readonly DeviceOption[];
  value: string | null;
  onChange(deviceId: string): void;
  disabled?: boolean;
}

function DevicePicker({ label, options, value, onChange, disabled }: PickerProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value ?? ''}
        disabled={disabled || options.length === 0}
        onChange={(e) => onChange(e.target.value)}
      >
        {value === null ? <option value="">Default</option> : null}
        {options.map((option) => (
          <option key={option.deviceId} value={option.deviceId}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

interface DevicePickersProps {
  media: LocalMedia;
  state: LocalMediaSnapshot;
  canSelectSpeaker: boolean;
}

/** Camera, microphone and (where supported) speaker choice. */
export function DevicePickers({ media, state, canSelectSpeaker }: DevicePickersProps) {
  return (
    <fieldset className="device-pickers">
      <legend>Devices</legend>
      <DevicePicker
        label="Camera"
        options={state.cameras}
        value={state.cameraId}
        disabled={state.acquiring}
        onChange={(id) => void media.selectCamera(id)}
      />
      <DevicePicker
        label="Microphone"
        options={state.microphones}
        value={state.microphoneId}
        disabled={state.acquiring}
        onChange={(id) => void media.selectMicrophone(id)}
      />
      {canSelectSpeaker ? (
        <DevicePicker
          label="Speaker"
          options={state.speakers}
          value={state.speakerId}
          onChange={(id) => media.selectSpeaker(id)}
        />
      ) : null}
    </fieldset>
  );
}

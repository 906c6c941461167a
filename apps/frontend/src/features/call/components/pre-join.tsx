import type { Room } from '@qual-meet/protocol';
import type { FormEvent } from 'react';
import { CopyInviteButton } from '../../rooms/components/copy-invite-button';
import { ConnectionCheck } from '../connection-check/connection-check';
import { useConnectionCheck } from '../connection-check/use-connection-check';
import { outgoingMediaState, type LocalMedia, type LocalMediaSnapshot } from '../media/local-media';
import { DevicePickers } from './device-pickers';
import { MediaProblems } from './media-problems';
import { MediaToggles, noVideoNote } from './media-toggles';
import { SelfTile } from './participant-tile';

interface PreJoinProps {
  room: Room;
  selfName: string;
  isHost: boolean;
  media: LocalMedia;
  state: LocalMediaSnapshot;
  canSelectSpeaker: boolean;
  onJoin(): void;
}

/** Camera preview and device choice before entering the meeting. */
export function PreJoin(props: PreJoinProps) {
  const { room, media, state } = props;
  const check = useConnectionCheck();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    props.onJoin();
  }

  return (
    <section className="prejoin" aria-labelledby="prejoin-title">
      <h1 id="prejoin-title">Ready to join?</h1>
      <p className="muted">
        {props.isHost ? 'You host this meeting. ' : ''}Up to {room.maxParticipants} people can take
        part.
      </p>
      <div className="prejoin__layout">
        <div className="prejoin__preview">
          <SelfTile
            name={props.selfName}
            stream={state.stream}
            noVideoNote={noVideoNote(state)}
            muted={outgoingMediaState(state).muted}
          />
          <ConnectionCheck check={check} />
        </div>
        <form className="prejoin__form" onSubmit={submit}>
          <MediaProblems media={state} />
          <DevicePickers media={media} state={state} canSelectSpeaker={props.canSelectSpeaker} />
          <div className="toolbar">
            <MediaToggles media={media} state={state} />
          </div>
          <button
            type="submit"
            className="button button--primary button--large"
            disabled={state.acquiring}
          >
            Join
          </button>
          {state.acquiring ? (
            <p role="status" className="field__hint">
              Waiting for your camera and microphone (answer the browser’s permission question)…
            </p>
          ) : null}
          <CopyInviteButton roomId={room.id} />
        </form>
      </div>
    </section>
  );
}

import { JoinMeetingForm } from '../../features/rooms/components/join-meeting-form';
import { NewMeetingForm } from '../../features/rooms/components/new-meeting-form';
import { RecentMeetings } from '../../features/rooms/components/recent-meetings';

/** `/`: start a meeting, join one, or go back to a recent one. */
export function HomeRoute() {
  return (
    <div className="home">
      <h1>Video meetings</h1>
      <section className="card" aria-labelledby="start-title">
        <h2 id="start-title">Start a meeting</h2>
        <NewMeetingForm />
      </section>
      <section className="card" aria-labelledby="join-title">
        <h2 id="join-title">Join a meeting</h2>
        <JoinMeetingForm />
      </section>
      <section className="card" aria-labelledby="recent-title">
        <h2 id="recent-title">Recent meetings</h2>
        <RecentMeetings />
      </section>
    </div>
  );
}

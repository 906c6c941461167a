import { Link } from 'react-router';
import { PageMessage } from '../../components/page-message';

/** Any path the app does not know. */
export function NotFoundRoute() {
  return (
    <PageMessage
      title="Page not found"
      actions={
        <Link className="button" to="/">
          Back to home
        </Link>
      }
    >
      <p>There is nothing at this address. Check the link, or go back to the home page.</p>
    </PageMessage>
  );
}

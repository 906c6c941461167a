import { Link, useLocation } from 'react-router';
import { useSignup } from '../api/signup';
import {
  describeAuthError,
  normalizeCredentials,
  PASSWORD_HINT,
  validateSignup,
} from '../auth-messages';
import { AuthForm } from './auth-form';

/** A new account, signed in at once. Where to go next is up to `GuestOnly` around it. */
export function SignupForm() {
  const location = useLocation();
  const signupMutation = useSignup();
  return (
    <AuthForm
      title="Sign up"
      submitLabel="Sign up"
      passwordAutoComplete="new-password"
      passwordHint={PASSWORD_HINT}
      pending={signupMutation.isPending}
      error={signupMutation.isError ? describeAuthError(signupMutation.error) : null}
      validate={validateSignup}
      onSubmit={(credentials) => signupMutation.mutate(normalizeCredentials(credentials))}
      footer={
        <>
          Already have an account?{' '}
          <Link to="/login" state={location.state}>
            Log in instead
          </Link>
        </>
      }
    />
  );
}

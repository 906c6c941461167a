import { Link, useLocation } from 'react-router';
import { useLogin } from '../api/login';
import { describeAuthError, normalizeCredentials, validateLogin } from '../auth-messages';
import { AuthForm } from './auth-form';

/** Email + password → session. Where to go next is up to `GuestOnly` around it. */
export function LoginForm() {
  const location = useLocation();
  const loginMutation = useLogin();
  return (
    <AuthForm
      title="Log in"
      submitLabel="Log in"
      passwordAutoComplete="current-password"
      pending={loginMutation.isPending}
      error={loginMutation.isError ? describeAuthError(loginMutation.error) : null}
      validate={validateLogin}
      onSubmit={(credentials) => loginMutation.mutate(normalizeCredentials(credentials))}
      footer={
        <>
          New here?{' '}
          <Link to="/signup" state={location.state}>
            Create an account
          </Link>
        </>
      }
    />
  );
}

import { GuestOnly } from '../../features/auth/components/guest-only';
import { LoginForm } from '../../features/auth/components/login-form';
import { SignupForm } from '../../features/auth/components/signup-form';

/** `/login`. */
export function LoginRoute() {
  return (
    <GuestOnly>
      <LoginForm />
    </GuestOnly>
  );
}

/** `/signup`. */
export function SignupRoute() {
  return (
    <GuestOnly>
      <SignupForm />
    </GuestOnly>
  );
}

import { ApiErrorCode, emailSchema, Limits } from '@qual-meet/protocol';
import { ApiError } from '../../lib/api-client';
import { describeError } from '../../lib/describe-error';
import type { Credentials, FieldErrors } from './components/auth-form';

const WRONG_CREDENTIALS =
  'Wrong email or password. Check both and try again, or sign up if you do not have an account yet.';
export const EMAIL_TAKEN =
  'This email is already registered. Log in instead, or sign up with a different email.';
const EMAIL_INVALID = 'Enter your email address, like name@example.com.';
const PASSWORD_LENGTH = `Use ${Limits.passwordMinLength} to ${Limits.passwordMaxLength} characters for your password.`;

export const PASSWORD_HINT = `At least ${Limits.passwordMinLength} characters.`;

/** The credentials as the server stores them (email trimmed, lower-cased); validate first. */
export function normalizeCredentials({ email, password }: Credentials): Credentials {
  return { email: emailSchema.parse(email), password };
}

/** Checks before logging in: a valid-looking email and some password. */
export function validateLogin({ email, password }: Credentials): FieldErrors {
  const errors: FieldErrors = {};
  if (!emailSchema.safeParse(email).success) errors.email = EMAIL_INVALID;
  if (password === '') errors.password = 'Enter your password.';
  return errors;
}

/** Checks before signing up: the same rules the server applies. */
export function validateSignup({ email, password }: Credentials): FieldErrors {
  const errors: FieldErrors = {};
  if (!emailSchema.safeParse(email).success) errors.email = EMAIL_INVALID;
  if (password.length < Limits.passwordMinLength || password.length > Limits.passwordMaxLength) {
    errors.password = PASSWORD_LENGTH;
  }
  return errors;
}

/** What a failed login or signup means for the person. */
export function describeAuthError(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case ApiErrorCode.INVALID_CREDENTIALS:
        return WRONG_CREDENTIALS;
      case ApiErrorCode.EMAIL_TAKEN:
        return EMAIL_TAKEN;
      case ApiErrorCode.VALIDATION_FAILED:
        return error.field === 'password' ? PASSWORD_LENGTH : EMAIL_INVALID;
    }
  }
  return describeError(error);
}

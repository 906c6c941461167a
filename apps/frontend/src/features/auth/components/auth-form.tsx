import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Notice } from '../../../components/notice';

export interface Credentials {
  email: string;
  password: string;
}

/** Problems found before sending, per field. */
export type FieldErrors = Partial<Record<keyof Credentials, string>>;

interface AuthFormProps {
  title: string;
  submitLabel: string;
  passwordAutoComplete: 'current-password' | 'new-password';
  passwordHint?: string;
  pending: boolean;
  /** The server's refusal, in words. */
  error: ReactNode;
  /** Checks the fields; an empty result sends them. */
  validate(credentials: Credentials): FieldErrors;
  onSubmit(credentials: Credentials): void;
  footer: ReactNode;
}

/** The email + password form behind both sign up and log in. */
export function AuthForm(props: AuthFormProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const id = useId();
  const ids = {
    email: `${id}-email`,
    emailError: `${id}-email-error`,
    password: `${id}-password`,
    passwordHint: `${id}-password-hint`,
    passwordError: `${id}-password-error`,
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const credentials = { email, password };
    const errors = props.validate(credentials);
    setFieldErrors(errors);
    if (Object.keys(errors).length === 0) props.onSubmit(credentials);
  }

  const describedBy = (...candidates: (string | false | undefined)[]) =>
    candidates.filter(Boolean).join(' ') || undefined;

  return (
    <section className="auth card" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{props.title}</h1>
      <form onSubmit={submit} noValidate>
        {props.error ? <Notice tone="error">{props.error}</Notice> : null}
        <div className="field">
          <label htmlFor={ids.email}>Email</label>
          <input
            id={ids.email}
            name="email"
            type="email"
            autoComplete="email"
            inputMode="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={fieldErrors.email ? true : undefined}
            aria-describedby={describedBy(fieldErrors.email && ids.emailError)}
          />
          {fieldErrors.email ? (
            <p id={ids.emailError} className="field__error">
              {fieldErrors.email}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={ids.password}>Password</label>
          <input
            id={ids.password}
            name="password"
            type="password"
            autoComplete={props.passwordAutoComplete}
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={fieldErrors.password ? true : undefined}
            aria-describedby={describedBy(
              props.passwordHint && ids.passwordHint,
              fieldErrors.password && ids.passwordError,
            )}
          />
          {props.passwordHint ? (
            <p id={ids.passwordHint} className="field__hint">
              {props.passwordHint}
            </p>
          ) : null}
          {fieldErrors.password ? (
            <p id={ids.passwordError} className="field__error">
              {fieldErrors.password}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button button--primary" disabled={props.pending}>
          {props.submitLabel}
        </button>
        {props.pending ? (
          <p role="status" className="field__hint">
            Please wait…
          </p>
        ) : null}
      </form>
      <p className="auth__footer">{props.footer}</p>
    </section>
  );
}

import type { ReactNode } from 'react';

interface PageMessageProps {
  title: string;
  children?: ReactNode;
  /** Buttons or links: what the person can do next. */
  actions?: ReactNode;
}

/** A whole-page statement (loading, not found, ended) with what to do next. */
export function PageMessage({ title, children, actions }: PageMessageProps) {
  return (
    <section className="page-message" aria-labelledby="page-message-title">
      <h1 id="page-message-title">{title}</h1>
      {children}
      {actions ? <div className="actions">{actions}</div> : null}
    </section>
  );
}

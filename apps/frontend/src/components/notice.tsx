import type { ReactNode } from 'react';

interface NoticeProps {
  /** `error` interrupts screen readers (role alert); `info` waits its turn (role status). */
  tone?: 'info' | 'error' | 'warning';
  children: ReactNode;
  id?: string;
}

/** A message to the person, styled by tone and announced to assistive technology. */
export function Notice({ tone = 'info', children, id }: NoticeProps) {
  return (
    <div id={id} role={tone === 'error' ? 'alert' : 'status'} className={`notice notice--${tone}`}>
      {children}
    </div>
  );
}

/** @jest-environment jsdom */
import { render, screen } from '@testing-library/react';
import { ConnectionCheck } from './connection-check';
import { parseIceUrl } from './verdict';

describe('ConnectionCheck', () => {
  it('says it is checking, in a status region named by the check', () => {
    render(<ConnectionCheck check={{ phase: 'checking' }} />);
    const region = screen.getByRole('region', { name: 'Connection check' });
    expect(region).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Checking your network…');
  });

  it('gives the verdict and what each server answered', () => {
    const probes = [
      { ...parseIceUrl('turn:198.18.0.1:3478?transport=tcp')!, outcome: 'reached' as const },
      { ...parseIceUrl('stun:198.18.0.1:3478')!, outcome: 'unreachable' as const },
    ];
    render(<ConnectionCheck check={{ phase: 'done', probes, verdict: 'udp-blocked' }} />);
    expect(screen.getByRole('status').textContent).toBe(
      'UDP is blocked here — calls will be relayed over TCP',
    );
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Relay (TURN), TCP port 3478: reached',
      'Address lookup (STUN), UDP port 3478: not reachable',
    ]);
  });
});

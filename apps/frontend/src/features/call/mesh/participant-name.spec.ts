import { participantName } from './participant-name';

describe('participantName', () => {
  it('shows the domain of someone from another domain than the viewer', () => {
    expect(participantName('alice', 'evil.example', 'company.example')).toBe(
      'alice (evil.example)',
    );
  });

  it('shows the plain name for someone of the viewer’s own domain, whatever its case', () => {
    expect(participantName('alice', 'company.example', 'company.example')).toBe('alice');
    expect(participantName('alice', 'Company.Example', 'company.example')).toBe('alice');
  });

  it('shows the plain name when a domain is unknown', () => {
    expect(participantName('alice', undefined, 'company.example')).toBe('alice');
    expect(participantName('alice', 'evil.example', undefined)).toBe('alice');
  });
});

/**
 * The name a participant is shown by: their display name (the part of their email before `@`),
 * with their email's domain when it is not the viewer's own — "alice (evil.example)" beside
 * "alice" from the viewer's own company — so an outsider cannot pass for a colleague. A peer
 * whose domain the server did not send is shown by the display name alone. Display names cannot
 * contain parentheses or spaces (the email schema refuses them), so the suffix cannot be faked.
 */
export function participantName(
  displayName: string,
  domain: string | undefined,
  viewerDomain: string | undefined,
): string {
  if (!domain || !viewerDomain || domain.toLowerCase() === viewerDomain.toLowerCase()) {
    return displayName;
  }
  return `${displayName} (${domain.toLowerCase()})`;
}

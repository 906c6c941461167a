/** Numbers both ends of the wire agree on. */
export const Limits = {
  /** Largest accepted HTTP request body. */
  httpBodyBytes: 16 * 1024,
  /** Largest accepted signaling frame; bigger frames close the socket with 1009. */
  signalingFrameBytes: 64 * 1024,
  /** The first signaling frame must be `auth` within this time. */
  authTimeoutMs: 5_000,
  /** Clients send `heartbeat` this often. */
  heartbeatIntervalMs: 10_000,
  /** Presence keys expire this long after the last heartbeat. */
  presenceTtlSeconds: 30,
  minParticipants: 2,
  maxParticipants: 6,
  defaultParticipants: 4,
  passwordMinLength: 8,
  passwordMaxLength: 128,
  emailMaxLength: 255,
  /** TURN credentials never live longer than this. */
  maxIceTtlSeconds: 3_600,
} as const;

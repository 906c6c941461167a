/** Numbers both ends of the wire agree on. */
export const Limits = {
  /** Largest accepted HTTP request body. */
  httpBodyBytes: 16 * 1024,
  /** Largest accepted signaling frame; bigger frames close the socket with 1009. */
  signalingFrameBytes: 64 * 1024,
  /**
   * Largest SDP of an offer or answer, in characters: about three times the largest Chromium
   * offer measured (audio, video, screen share and a data channel, candidates gathered: 10.7 KB;
   * docs/SECURITY.md), room for hardware codecs' extra profiles, far below a frame.
   */
  sdpChars: 32 * 1024,
  /**
   * Largest ICE candidate line: a Chromium candidate measured 126 characters; an IPv6 relay
   * candidate with `raddr`, `ufrag`, `network-id` and `network-cost` stays near 230.
   */
  iceCandidateChars: 512,
  /** The first signaling frame must be `auth` within this time. */
  authTimeoutMs: 5_000,
  /** Clients send `heartbeat` this often. */
  heartbeatIntervalMs: 10_000,
  /** A socket gets at most one `heartbeat_ack` this often; heartbeats in between go unanswered. */
  heartbeatAckIntervalMs: 1_000,
  /** Length of a resume token (24 random bytes, base64url). */
  resumeTokenChars: 32,
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

import { randomBytes } from 'node:crypto';

/**
 * A connection is named `<nodeId>:<socketId>` everywhere (presence values, bus events), so any
 * node can tell where a member's socket lives. Socket ids are random rather than counted, so a
 * node restarted under the same `NODE_ID` never reuses one that other nodes may still remember.
 */
export function newSocketId(): string {
  return randomBytes(9).toString('base64url');
}

/** The connection id of a socket on a node. */
export function connectionOf(nodeId: string, socketId: string): string {
  return `${nodeId}:${socketId}`;
}

/** The node and socket of a connection id. */
export function parseConnection(connection: string): { nodeId: string; socketId: string } {
  const colon = connection.indexOf(':');
  return { nodeId: connection.slice(0, colon), socketId: connection.slice(colon + 1) };
}

const COLON = 0x3a;

/** Whether a connection id names a socket of `nodeId`, read without splitting it. */
export function isOnNode(connection: string, nodeId: string): boolean {
  return connection.charCodeAt(nodeId.length) === COLON && connection.startsWith(nodeId);
}

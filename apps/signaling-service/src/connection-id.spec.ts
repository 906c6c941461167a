import { connectionOf, isOnNode, newSocketId, parseConnection } from './connection-id';

describe('connection ids', () => {
  it('name a node and a socket, and split back into them', () => {
    const socketId = newSocketId();
    const connection = connectionOf('node-1', socketId);
    expect(parseConnection(connection)).toEqual({ nodeId: 'node-1', socketId });
  });

  it('tell whether a socket is on a node, not on one whose id merely starts alike', () => {
    const connection = connectionOf('node-1', newSocketId());
    expect(isOnNode(connection, 'node-1')).toBe(true);
    expect(isOnNode(connection, 'node-')).toBe(false);
    expect(isOnNode(connection, 'node-10')).toBe(false);
    expect(isOnNode(connectionOf('node-10', newSocketId()), 'node-1')).toBe(false);
    expect(isOnNode(connectionOf('other-1', newSocketId()), 'node-1')).toBe(false);
  });

  it('are not reused: socket ids are random', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newSocketId()));
    expect(ids.size).toBe(1000);
  });
});

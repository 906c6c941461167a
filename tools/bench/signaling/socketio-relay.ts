/**
 * The bench's baseline: the relay most teams would write first — Socket.IO 4 with
 * `@socket.io/redis-adapter` for several nodes — doing the same job as signaling-service in the
 * minimal way: the same RS256 token check on connect, a room per meeting and a room per user,
 * and `io.to('user:<id>').emit(...)` for each targeted frame. Run as its own process by the
 * bench; not part of the product.
 *
 * Environment: PORT, REDIS_URL, JWT_PUBLIC_KEY.
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createAccessTokenVerifier } from '@qual-meet/server-kit';

const { PORT, REDIS_URL, JWT_PUBLIC_KEY } = process.env;
if (!PORT || !REDIS_URL || !JWT_PUBLIC_KEY) {
  process.stderr.write('socketio-relay needs PORT, REDIS_URL and JWT_PUBLIC_KEY\n');
  process.exit(2);
}

const verify = createAccessTokenVerifier({
  publicKeys: [JWT_PUBLIC_KEY],
  issuer: 'qual-meet',
  audience: 'qual-meet',
});
const pub = new Redis(REDIS_URL);
const sub = pub.duplicate();
const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 64 * 1024,
  adapter: createAdapter(pub, sub),
});

interface SignalIn {
  type: 'offer' | 'answer' | 'ice_candidate';
  targetUserId: string;
  sdp?: string;
  candidate?: unknown;
}

io.use((socket, next) => {
  try {
    const token: unknown = socket.handshake.auth.token;
    socket.data.userId = verify(typeof token === 'string' ? token : '').userId;
    next();
  } catch {
    next(new Error('unauthorized'));
  }
});

io.on('connection', (socket) => {
  const userId = socket.data.userId as string;
  void socket.join(`user:${userId}`);
  socket.on('join_room', (frame: { roomId?: unknown }) => {
    if (typeof frame?.roomId !== 'string') return;
    void socket.join(frame.roomId);
    socket.to(frame.roomId).emit('user_joined', { userId });
    socket.emit('room_joined', { roomId: frame.roomId });
  });
  socket.on('signal', (frame: SignalIn) => {
    if (typeof frame?.targetUserId !== 'string') return;
    const { type, sdp, candidate } = frame;
    io.to(`user:${frame.targetUserId}`).emit('signal', {
      type,
      senderUserId: userId,
      ...(type === 'ice_candidate' ? { candidate } : { sdp }),
    });
  });
  socket.on('heartbeat', () => undefined);
});

http.listen(Number(PORT), '127.0.0.1', () => process.stdout.write(`listening on ${PORT}\n`));

process.once('SIGTERM', () => {
  void io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});

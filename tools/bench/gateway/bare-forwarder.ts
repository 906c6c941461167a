/**
 * The floor of any HTTP gateway on this machine, for `npm run bench:gateway`: node:http in front
 * of an undici pool, forwarding every request as it is — no token check, no rate limit, no
 * headers of its own, no logging. Whatever throughput this loses against the service direct is
 * the cost of the second loopback hop itself, which no gateway avoids.
 *
 * Env: PORT to listen on (127.0.0.1), TARGET origin to forward to.
 */
import { createServer } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

const pool = new Pool(process.env.TARGET!);
const server = createServer((request, response) => {
  pool
    .request({
      method: request.method as Dispatcher.HttpMethod,
      path: request.url ?? '/',
      headers: { authorization: request.headers.authorization ?? '' },
    })
    .then(async (upstream) => {
      const body = Buffer.from(await upstream.body.arrayBuffer());
      response.writeHead(upstream.statusCode, {
        'content-type': String(upstream.headers['content-type'] ?? 'application/json'),
        'content-length': body.length,
      });
      response.end(body);
    })
    .catch(() => {
      response.writeHead(502).end();
    });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\n'));
process.once('SIGTERM', () => {
  server.close();
  void pool.close();
});

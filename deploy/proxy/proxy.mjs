// A small reverse proxy for the `ha` profile: spreads HTTP requests and WebSocket upgrades over the daemon
// replicas, skipping a replica that does not answer. (Any proxy that passes WebSocket upgrades will do: nginx, Caddy…)
import http from 'node:http';
import net from 'node:net';

const upstreams = (process.env.UPSTREAMS ?? 'daemon:3030').split(',').map((u) => { const [host, port] = u.split(':'); return { host, port: Number(port) }; });
const down = new Map();
let next = 0;

function pick() {
  for (let i = 0; i < upstreams.length; i++) {
    const u = upstreams[next++ % upstreams.length];
    if ((down.get(`${u.host}:${u.port}`) ?? 0) < Date.now()) return u;
  }
  return upstreams[next++ % upstreams.length];
}
const markDown = (u) => down.set(`${u.host}:${u.port}`, Date.now() + 5000);

const server = http.createServer((req, res) => {
  const forward = (attempt) => {
    const u = pick();
    const up = http.request({ host: u.host, port: u.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => {
      markDown(u);
      if (attempt < upstreams.length && !res.headersSent) forward(attempt + 1);
      else if (!res.headersSent) res.writeHead(502).end('no daemon replica answers\n');
    });
    req.pipe(up);
  };
  forward(1);
});

server.on('upgrade', (req, socket, head) => {
  const u = pick();
  const up = net.connect(u.port, u.host, () => {
    up.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
    up.write(head);
    up.pipe(socket).pipe(up);
  });
  up.on('error', () => { markDown(u); socket.destroy(); });
  socket.on('error', () => up.destroy());
});

server.listen(Number(process.env.PORT ?? 8080), () => console.log(`proxy on :${process.env.PORT ?? 8080} → ${upstreams.map((u) => `${u.host}:${u.port}`).join(', ')}`));

// The Node.js contender of yihu_load: a WebSocket server (npm ws, pinned in package.json) that keeps every client
// and, on POST /broadcast?key=K&size=S, sends one S-byte binary message starting "K;" to each of them, answering once
// the loop has handed every message to its socket. GET /count answers the number of open clients.
// Usage: node ws_broadcast_server.js <port>   (listens on 127.0.0.1 only)
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node ws_broadcast_server.js <port>');
  process.exit(2);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/count') {
    res.end(String(wss.clients.size));
    return;
  }
  if (req.method === 'POST' && url.pathname === '/broadcast') {
    const key = url.searchParams.get('key') || 'b';
    const size = Math.max(Number(url.searchParams.get('size')) || 200, key.length + 1);
    const message = Buffer.alloc(size, 'x');
    message.write(key + ';');
    let sent = 0;
    for (const client of wss.clients) {
      client.send(message, { binary: true });
      ++sent;
    }
    res.end(String(sent));
    return;
  }
  res.statusCode = 404;
  res.end();
});
const wss = new WebSocketServer({ server, perMessageDeflate: false });
wss.on('connection', (ws) => ws.on('error', () => {}));
server.listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => process.exit(0));

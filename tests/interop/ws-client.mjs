// A gateway client written with Node's `ws` package: connects, identifies, prints READY and the first
// MESSAGE_CREATE as JSON lines on stdout, then exits 0. Usage: node ws-client.mjs <gateway-url> <token>
import WebSocket from 'ws';

const [url, token] = process.argv.slice(2);
const socket = new WebSocket(url);
const deadline = setTimeout(() => { console.error('timed out'); process.exit(2); }, 30000);

socket.on('message', (data, isBinary) => {
  if (isBinary) { console.error('unexpected binary frame'); process.exit(3); }
  const frame = JSON.parse(data.toString('utf8'));
  if (frame.op === 10) {
    socket.send(JSON.stringify({ op: 2, d: { token } }));
  } else if (frame.op === 0 && frame.t === 'READY') {
    console.log(JSON.stringify({ event: 'READY', user: frame.d.user.id }));
  } else if (frame.op === 0 && frame.t === 'MESSAGE_CREATE') {
    console.log(JSON.stringify({ event: 'MESSAGE_CREATE', content: frame.d.content, sequence: frame.d.sequence }));
    clearTimeout(deadline);
    socket.close(1000, 'done');
  }
});
socket.on('close', (code) => { console.log(JSON.stringify({ event: 'CLOSE', code })); process.exit(0); });
socket.on('error', (err) => { console.error(err.message); process.exit(4); });

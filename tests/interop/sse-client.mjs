// A server-sent events client written with the `eventsource` package (WHATWG EventSource for Node): connects to
// /api/v1/events, and on every drop reconnects by itself with Last-Event-ID, as browsers do. Prints each READY and
// MESSAGE_CREATE as a JSON line on stdout and exits 0 after <count> messages.
// Usage: node sse-client.mjs <events-url> <token> <count>
import { EventSource } from 'eventsource';

const [url, token, count] = process.argv.slice(2);
const wanted = Number(count);
let received = 0;
const deadline = setTimeout(() => { console.error('timed out'); process.exit(2); }, 120000);

const source = new EventSource(url, {
  fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } }),
});
source.addEventListener('READY', (event) => {
  console.log(JSON.stringify({ event: 'READY', lastEventId: event.lastEventId }));
});
source.addEventListener('MESSAGE_CREATE', (event) => {
  const message = JSON.parse(event.data);
  console.log(JSON.stringify({ event: 'MESSAGE_CREATE', sequence: message.sequence, content: message.content }));
  if (++received >= wanted) {
    clearTimeout(deadline);
    source.close();
    process.exit(0);
  }
});
source.addEventListener('error', () => {
  console.log(JSON.stringify({ event: 'ERROR' }));
});

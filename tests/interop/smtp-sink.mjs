// A real SMTP server for the email notification tests: npm's smtp-server on 127.0.0.1:PORT (argv[2]), no TLS, no
// login. Each message it accepts is written to standard output as one JSON line: {"from", "to": [...], "data"}.
import { SMTPServer } from 'smtp-server';

const port = Number(process.argv[2]);
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      process.stdout.write(JSON.stringify({
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        data: Buffer.concat(chunks).toString('utf8'),
      }) + '\n');
      callback();
    });
  },
});
server.on('error', (error) => process.stderr.write(`smtp-sink: ${error.message}\n`));
server.listen(port, '127.0.0.1', () => process.stderr.write(`smtp-sink listening on ${port}\n`));

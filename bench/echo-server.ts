import { createServer } from 'node:http';
import { answerCpuQueries } from './forked-process';

/**
 * The HTTP baseline: a bare node:http server that parses a JSON body and answers it back. What
 * Node itself gives on this machine, for the bench to set Tally's figures beside.
 */
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  answerCpuQueries();
  process.send?.('listening');
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));

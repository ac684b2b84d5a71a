// Parses a Prometheus text-format scrape with npm's parse-prometheus-text-format (a port of the Prometheus Python
// client's parser) and prints the result as prom2json-style JSON. Usage: node prometheus-parse.mjs <file>
import fs from 'fs';
import parse from 'parse-prometheus-text-format';

const text = fs.readFileSync(process.argv[2], 'utf8');
process.stdout.write(JSON.stringify(parse(text)) + '\n');

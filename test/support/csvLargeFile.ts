/**
 * Not public API. Run in a process of its own by test/unit/csvFile.test.ts (bundled with esbuild): generates a
 * CSV of about `process.argv[3]` MiB as a stream, stores it with storeCsvFile in `process.argv[2]`, reads every
 * row back with readCsvRows, and prints one JSON line with the counts, the times and the process's RSS at the
 * start and at its peak (`resourceUsage().maxRSS`, so no sampling can miss it).
 */
import path from 'node:path';
import { readCsvRows, storeCsvFile, type CsvRow } from '../../src/imports/csvFile';

async function main(): Promise<void> {
  const dir = process.argv[2]!;
  const target = Number(process.argv[3]) * 1024 * 1024;
  // Quoted fields with commas, doubled quotes, a CRLF inside quotes and multi-byte characters in every row.
  const row = (i: number) => `${i},"Zoë Ünal, Jr.","+1 555 ${String(i).padStart(7, '0')}","note with ""quotes""\r\nand a second line: ${'€'.repeat(100)}${'x'.repeat(200)}"\r\n`;
  let generated = 0;
  let count = 0;
  async function* upload(): AsyncGenerator<Buffer> {
    yield Buffer.from('id,name,phone,note\r\n');
    while (generated < target) {
      const lines: string[] = [];
      for (let k = 0; k < 100; k++) lines.push(row(++count));
      const buf = Buffer.from(lines.join(''));
      generated += buf.length;
      yield buf;
    }
  }
  const startRss = process.memoryUsage().rss;
  let t = Date.now();
  const stored = await storeCsvFile(upload(), path.join(dir, 'large', 'leads.csv'), { maxBytes: 2 * target, maxRows: 10_000_000 });
  const storeMs = Date.now() - t;
  t = Date.now();
  let read = 0;
  let bad: string | null = null;
  let last: CsvRow | null = null;
  for await (const r of readCsvRows(path.join(dir, 'large', 'leads.csv'), { row: 1, byte: stored.dataStart }, 4)) {
    read++;
    if (bad === null && (r.problem !== null || r.values[0] !== String(read) || r.rowNumber !== read)) bad = JSON.stringify(r).slice(0, 200);
    last = r;
  }
  const readMs = Date.now() - t;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const report = { generated: count, stored: stored.rows, bytes: stored.bytes, read, bad, lastNext: last?.next ?? null, storeMs, readMs, startRss, peakRss };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exitCode = 1;
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Granularity } from '../../../../core/meters/meter-query-store.js';
import { parseBucketHash, SLOTS, type BucketHash } from '../../../../core/meters/redis/bucket-hash.js';
import { seededRandom } from './meter-fixtures.js';

/** The reading the parser must match: split into lines, names `<digits>[n|t]`, values as `Number` reads them. */
function reference(granularity: Granularity, text: string): BucketHash {
  const slots = SLOTS[granularity];
  const first = granularity === 'day' ? 1 : 0;
  const hash: BucketHash = { main: new Float64Array(slots).fill(Number.NaN), count: new Float64Array(slots), time: new Float64Array(slots).fill(Number.NaN) };
  const lines = text.split('\n');
  // A name on the last line has no value line: it is left out.
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const match = /^(\d+)([nt]?)$/.exec(lines[i]!);
    const slot = match ? Number(match[1]) - first : -1;
    if (!match || slot < 0 || slot >= slots) continue;
    const value = Number(lines[i + 1]);
    if (match[2] === '') hash.main[slot] = value;
    else (match[2] === 'n' ? hash.count : hash.time)[slot] = value;
    if (match[2] !== '' && Number.isNaN(hash.main[slot]!)) hash.main[slot] = 0;
  }
  return hash;
}

test('property: hashes parse as split lines read with Number would, whatever the names and values', () => {
  const random = seededRandom(17);
  const names = () => random.pick([String(random.int(70)), `${random.int(40)}n`, `${random.int(40)}t`, '', 'x', `${random.int(9)}nn`, '007', `${random.int(30)}q`, '1234567890123456789']);
  const values = () =>
    random.pick([
      String(random.int(1000)), String(-random.int(1000)), '', '-', '-0', '0', '+5', '1.5', '-2.25', '1e21', '1e-7', ' 7 ', 'abc', 'inf', '0x10',
      '123456789012345', '1234567890123456', '-99999999999999999', String(2 ** 53 + 1), '00042', String(Number.MAX_SAFE_INTEGER),
    ]);
  let compared = 0;
  for (let i = 0; i < 3000; i++) {
    const granularity = random.pick(['minute', 'hour', 'day'] as const);
    const lines: string[] = [];
    for (let f = random.int(12); f > 0; f--) lines.push(names(), values());
    if (random.int(4) === 0) lines.push(names());
    const text = lines.join('\n');
    assert.deepEqual(parseBucketHash(granularity, text), reference(granularity, text), JSON.stringify(text));
    compared++;
  }
  assert.equal(compared, 3000);
});

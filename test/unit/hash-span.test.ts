/** store/snapshot-parts.ts hashSpan: the run where two lists of part hashes differ, against a plain scan, over random edits. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { hashSpan } from '../../src-main/store/snapshot-parts.ts';

test('hashSpan finds the hashes alike at the start and the end as a plain scan does, after random inserts, drops and replacements', () => {
  for (let t = 0; t < 2000; t++) {
    // Short lists, and long ones (compared a block of 128 hashes at a time).
    const a = Array.from({ length: Math.floor(Math.random() * (t % 4 === 0 ? 700 : 40)) }, () => randomBytes(32));
    const b = [...a];
    // Sometimes a repeated hash (a run alike may then be longer than the edit suggests).
    if (b.length > 2 && Math.random() < 0.2) b[1] = b[0]!;
    for (let o = Math.floor(Math.random() * 3); o > 0; o--) {
      const k = Math.floor(Math.random() * (b.length + 1));
      const r = Math.random();
      if (r < 0.33 || b.length === 0) b.splice(k, 0, randomBytes(32));
      else if (r < 0.66) b.splice(Math.min(k, b.length - 1), 1);
      else b[Math.min(k, b.length - 1)] = randomBytes(32);
    }
    const min = Math.min(a.length, b.length);
    let head = 0;
    while (head < min && a[head]!.equals(b[head]!)) head++;
    let tail = 0;
    while (tail < min - head && a[a.length - 1 - tail]!.equals(b[b.length - 1 - tail]!)) tail++;
    assert.deepEqual(hashSpan(Buffer.concat(a), Buffer.concat(b)), { head, tail });
  }
});

test('hashSpan refuses a list whose length is not a multiple of 32', () => {
  assert.throws(() => hashSpan(Buffer.alloc(33), Buffer.alloc(32)), /multiple of 32/);
});

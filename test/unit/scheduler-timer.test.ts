import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { test } from 'node:test';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { Scheduler } from '../../src-main/schedule/scheduler.ts';

const T0 = Date.parse('2026-03-28T12:00:00.000Z');
const SPRING = Date.parse('2026-03-29T01:30:00.000Z');
const AUTUMN = Date.parse('2026-10-25T01:30:00.000Z');

/** Lets the scheduler's promise chain (run → rearm) finish; no real time passes. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

function setup(instants: number[], onInstant?: (now: number) => void) {
  const clock = new ManualClock(T0);
  const calls: { now: number; cause: string }[] = [];
  const errors: unknown[] = [];
  const scheduler = new Scheduler({
    clock,
    timeZone: 'Europe/Prague',
    sweep: false,
    nextInstant: (after) => instants.filter((t) => t > after).sort((a, b) => a - b)[0] ?? null,
    onInstant: (now, cause) => {
      calls.push({ now, cause });
      onInstant?.(now);
    },
    onError: (e) => errors.push(e),
  });
  return { clock, calls, errors, scheduler };
}

test('the timer fires at the instant, not a millisecond earlier, then arms for the next one', async () => {
  const { clock, calls, scheduler } = setup([SPRING, AUTUMN]);
  scheduler.start();
  assert.equal(scheduler.nextDue, SPRING);
  clock.set(SPRING - 1);
  await settle();
  assert.deepEqual(calls, []);
  clock.set(SPRING);
  await settle();
  assert.deepEqual(calls, [{ now: SPRING, cause: 'timer' }]);
  assert.equal(scheduler.nextDue, AUTUMN);
  clock.set(AUTUMN - 1);
  await settle();
  assert.equal(calls.length, 1);
  clock.set(AUTUMN);
  await settle();
  assert.deepEqual(calls.at(-1), { now: AUTUMN, cause: 'timer' });
  assert.equal(scheduler.nextDue, null);
  assert.equal(clock.pendingTimers(), 0);
  scheduler.stop();
});

test('a clock jump over several instants: the timer fires once, the sweep catches up, and the next instant is armed', async () => {
  const later = AUTUMN + 86_400_000;
  const { clock, calls, scheduler } = setup([SPRING, SPRING + 60_000, AUTUMN, later]);
  scheduler.start();
  clock.set(AUTUMN + 5_000);
  await settle();
  assert.deepEqual(calls, [{ now: SPRING, cause: 'timer' }], 'the overdue timer runs at its own instant');
  assert.equal(scheduler.nextDue, later, 're-armed from the real now, past the missed instants');
  await scheduler.sweep();
  assert.deepEqual(calls.at(-1), { now: AUTUMN + 5_000, cause: 'sweep' });
  assert.equal(scheduler.nextDue, later);
  assert.equal(clock.pendingTimers(), 1);
  scheduler.stop();
});

test('an error in onInstant is reported and the schedule stays armed', async () => {
  const { clock, errors, scheduler } = setup([SPRING, AUTUMN], () => {
    throw new Error('disk full');
  });
  scheduler.start();
  clock.set(SPRING);
  await settle();
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /disk full/);
  assert.equal(scheduler.nextDue, AUTUMN);
  scheduler.stop();
});

test('rearm replaces the timer instead of adding one; stop disarms everything', async () => {
  const instants = [AUTUMN];
  const { clock, calls, scheduler } = setup(instants);
  scheduler.start();
  instants.push(SPRING);
  scheduler.rearm();
  assert.equal(scheduler.nextDue, SPRING);
  assert.equal(clock.pendingTimers(), 1);
  scheduler.stop();
  assert.equal(scheduler.nextDue, null);
  assert.equal(clock.pendingTimers(), 0);
  clock.set(AUTUMN + 1);
  await settle();
  assert.deepEqual(calls, []);
  scheduler.rearm();
  assert.equal(clock.pendingTimers(), 0, 'a stopped scheduler does not re-arm');
});

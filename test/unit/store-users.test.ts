import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPassword, hashPassword } from '../../src-main/store/users.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const T0 = Date.parse('2026-11-21T08:00:00.000Z');
const HOUR = 3_600_000;

test('passwords are salted scrypt hashes that check only the right password', () => {
  const a = hashPassword('heslo-123');
  const b = hashPassword('heslo-123');
  assert.match(a, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  assert.notEqual(a, b, 'a fresh salt each time');
  assert.equal(checkPassword('heslo-123', a), true);
  assert.equal(checkPassword('heslo-124', a), false);
  assert.equal(checkPassword('heslo-123', 'plain$text'), false);
});

test('authenticate: the user for the right password, null for a wrong one or an unknown name', () => {
  using dir = tempDir();
  const store = Store.open(dir.path, () => T0);
  try {
    const u = store.users.create('jana', 'Jana Nováková', 'tajne-heslo', 'clerk', T0);
    assert.deepEqual(store.users.authenticate('jana', 'tajne-heslo'), u);
    assert.equal(store.users.authenticate('jana', 'spatne'), null);
    assert.equal(store.users.authenticate('nikdo', 'tajne-heslo'), null);
    const stored = store.db.prepare('SELECT password_hash FROM users').pluck().get() as string;
    assert.doesNotMatch(stored, /tajne-heslo/);
  } finally {
    store.close();
  }
});

test('sessions expire after ten hours and end on sign-out; only the token hash is stored', () => {
  using dir = tempDir();
  const store = Store.open(dir.path, () => T0);
  try {
    const u = store.users.create('jana', 'Jana', 'x-password', 'clerk', T0);
    const token = store.users.createSession(u.id, T0);
    assert.deepEqual(store.users.userForSession(token, T0 + 10 * HOUR - 1), u);
    assert.equal(store.users.userForSession(token, T0 + 10 * HOUR), null);
    assert.equal(store.users.userForSession(`${token}x`, T0), null);
    const stored = store.db.prepare('SELECT token_hash FROM sessions').pluck().all() as string[];
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0], token);
    assert.match(stored[0]!, /^[0-9a-f]{64}$/);
    store.users.endSession(token);
    assert.equal(store.users.userForSession(token, T0), null);
  } finally {
    store.close();
  }
});

test('API tokens resolve to their user, are stored hashed, and stop working when revoked', () => {
  using dir = tempDir();
  const store = Store.open(dir.path, () => T0);
  try {
    const u = store.users.create('admin', 'Správce', 'x-password', 'admin', T0);
    store.createBoard({ id: 'demo', name: 'Deska', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://deska.example.cz/' }, T0);
    const { id, token } = store.users.createToken({ name: 'kiosk-lobby', kind: 'kiosk', userId: u.id, boardId: 'demo', kioskId: 'lobby' }, T0);
    assert.match(token, /^deska_/);
    const found = store.users.userForToken(token);
    assert.deepEqual(found?.user, u);
    assert.deepEqual([found?.token.name, found?.token.kind, found?.token.kioskId, found?.token.board], ['kiosk-lobby', 'kiosk', 'lobby', 'demo']);
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?').pluck().get(token), 0);
    store.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(new Date(T0).toISOString(), id);
    assert.equal(store.users.userForToken(token), null);
  } finally {
    store.close();
  }
});

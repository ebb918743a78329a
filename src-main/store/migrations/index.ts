/** Numbered schema migrations of the publisher's store, applied in order, once each. */
import type { Db } from '../db.ts';
import { m001Initial } from './001-initial.ts';
import { m002Publication } from './002-publication.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

export const PUBLISHER_MIGRATIONS: readonly Migration[] = [m001Initial, m002Publication];

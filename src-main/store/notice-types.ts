/** Each board's notice types (table notice_types, migration 006) and the calendar its periods count in. */
import type { Country, NoticeType, PeriodRule } from '../shared/notice-types.ts';
import type { LegalCalendar } from '../legal/periods.ts';
import { prepared, type Db } from './db.ts';
import { seedNoticeTypes } from './migrations/006-notice-types.ts';

interface TypeRow {
  id: string;
  name: string;
  legal_basis: string;
  rule: PeriodRule;
  days: number;
  moves_to_working_day: number;
  event_label: string | null;
}

function fromRow(r: TypeRow): NoticeType {
  return {
    id: r.id,
    name: r.name,
    legalBasis: r.legal_basis,
    rule: r.rule,
    days: r.days,
    movesToWorkingDay: r.moves_to_working_day === 1,
    eventLabel: r.event_label,
  };
}

export class NoticeTypeRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** A board's types in the order the form lists them. */
  list(boardId: string): NoticeType[] {
    return (prepared(this.db, 'SELECT * FROM notice_types WHERE board_id = ? ORDER BY position, id').all(boardId) as TypeRow[]).map(fromRow);
  }

  get(boardId: string, id: string): NoticeType | null {
    const r = prepared(this.db, 'SELECT * FROM notice_types WHERE board_id = ? AND id = ?').get(boardId, id) as TypeRow | undefined;
    return r ? fromRow(r) : null;
  }

  /** The country's default types for a board that has none of them yet. */
  seedDefaults(boardId: string, country: Country): void {
    seedNoticeTypes(this.db, boardId, country);
  }

  /** Changes a type's rule (name, period, whether it moves off holidays); the id and the rule kind stay. */
  update(boardId: string, t: NoticeType): void {
    prepared(this.db,
      `UPDATE notice_types SET name = ?, legal_basis = ?, days = ?, moves_to_working_day = ?, event_label = ?
       WHERE board_id = ? AND id = ?`)
      .run(t.name, t.legalBasis, t.days, t.movesToWorkingDay ? 1 : 0, t.eventLabel, boardId, t.id);
  }

  /** Where a board's days count: its country's holidays, its time zone. */
  calendar(boardId: string): LegalCalendar & { locale: string } {
    const r = prepared(this.db, 'SELECT country, locale, time_zone FROM boards WHERE id = ?').get(boardId) as
      | { country: Country; locale: string; time_zone: string }
      | undefined;
    if (!r) throw new Error(`no board ${boardId}`);
    return { country: r.country, timeZone: r.time_zone, locale: r.locale };
  }
}

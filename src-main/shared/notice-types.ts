/**
 * Notice types and their legal periods, as the API, the clerk app and the store see them.
 * Pure types: the renderer imports this file. The computation lives in src-main/legal/.
 */

/** The countries whose calendars (weekends and public holidays) Deska knows. */
export type Country = 'CZ' | 'PL';

export const COUNTRIES: readonly Country[] = ['CZ', 'PL'];

/**
 * How a type's minimum period is counted:
 * - `none`: no minimum (removal only after posting);
 * - `after-posting`: the notice hangs at least `days` days counted from the day after posting;
 * - `before-event`: the notice hangs at least `days` whole days before an event day the clerk
 *   enters (the council's decision, a meeting), and stays up until that day has passed.
 */
export type PeriodRule = 'none' | 'after-posting' | 'before-event';

export interface NoticeType {
  /** Stable key within a board, e.g. "cz-verejna-vyhlaska". */
  id: string;
  /** What the clerk and the public read, e.g. "Veřejná vyhláška, doručení veřejnou vyhláškou (§ 25 správního řádu)". */
  name: string;
  /** The provision, e.g. "§ 25 zákona č. 500/2004 Sb., správní řád". Empty for the general type. */
  legalBasis: string;
  rule: PeriodRule;
  /** Length of the period in days; 0 for `none`. */
  days: number;
  /** A period whose last day is a Saturday, Sunday or public holiday ends on the next working day. */
  movesToWorkingDay: boolean;
  /** `before-event` only: what the event day is called in the form ("Datum rozhodnutí zastupitelstva"). */
  eventLabel: string | null;
}

/**
 * The lawful period of one notice (see src-main/legal/periods.ts). Days are "YYYY-MM-DD" in the
 * board's zone; instants are ms since the epoch.
 */
export interface LawfulPeriod {
  /** The day of the posting instant. */
  postingDay: string;
  /** The last day the notice must hang; null for a type without a minimum. */
  lastDay: string | null;
  /** The last counted day before any move off a weekend or holiday ("posting day + days"); null without a minimum. */
  countedEnd: string | null;
  /** Earliest lawful removal instant: 00:00 of the day after lastDay (the posting instant for `none`). */
  removeNotBefore: number;
  /** `before-event` with an event day: the latest day the notice may be posted. */
  latestPostingDay: string | null;
  /** `before-event`: true when the posting day is after latestPostingDay (the decision or meeting would be unlawful). */
  postedTooLate: boolean;
}

/** The answer of GET /boards/{board}/lawful-period: the period, with instants as the API speaks them. */
export interface LawfulPeriodView {
  type: string;
  postingDay: string;
  lastDay: string | null;
  countedEnd: string | null;
  /** Earliest lawful removal, ISO 8601 with the board's offset. */
  removeNotBefore: string;
  latestPostingDay: string | null;
  postedTooLate: boolean;
  /** One Czech sentence saying what the law requires, for the form. */
  explanation: string;
}

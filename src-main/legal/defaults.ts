/**
 * The notice types a new board starts with, by its country (shared/DOMAIN.md). A board can change
 * them afterwards (store table notice_types); nothing in the code depends on these numbers.
 */
import type { Country, NoticeType } from '../shared/notice-types.ts';

/** The type every notice has unless the clerk picks another; it has no minimum period. */
export const GENERAL_TYPE = 'general';

const CZ: NoticeType[] = [
  {
    id: GENERAL_TYPE,
    name: 'Obecné oznámení (bez zákonné lhůty)',
    legalBasis: '',
    rule: 'none',
    days: 0,
    movesToWorkingDay: false,
    eventLabel: null,
  },
  {
    id: 'cz-verejna-vyhlaska',
    name: 'Veřejná vyhláška, doručení veřejnou vyhláškou (§ 25 správního řádu)',
    legalBasis: '§ 25 zákona č. 500/2004 Sb., správní řád: písemnost se považuje za doručenou 15. dnem po vyvěšení',
    rule: 'after-posting',
    days: 15,
    movesToWorkingDay: true,
    eventLabel: null,
  },
  {
    id: 'cz-zamer-majetek',
    name: 'Záměr prodeje, směny, darování, pronájmu nebo výpůjčky nemovitosti (§ 39 zákona o obcích)',
    legalBasis: '§ 39 odst. 1 zákona č. 128/2000 Sb., o obcích: záměr se zveřejní nejméně 15 dnů před rozhodnutím, jinak je rozhodnutí neplatné',
    rule: 'before-event',
    days: 15,
    movesToWorkingDay: false,
    eventLabel: 'Datum rozhodnutí zastupitelstva (rady)',
  },
  {
    id: 'cz-zasedani-zastupitelstva',
    name: 'Informace o zasedání zastupitelstva (§ 93 zákona o obcích)',
    legalBasis: '§ 93 odst. 1 zákona č. 128/2000 Sb., o obcích: informace o místě, době a programu zasedání nejméně 7 dní předem',
    rule: 'before-event',
    days: 7,
    movesToWorkingDay: false,
    eventLabel: 'Datum zasedání zastupitelstva',
  },
  {
    id: 'cz-vyhlaseni-ozv',
    name: 'Oznámení o vyhlášení právního předpisu obce ve Sbírce (obecně závazná vyhláška, nařízení)',
    legalBasis: 'zákon č. 35/2021 Sb., o Sbírce právních předpisů územních samosprávných celků: oznámení se vyvěsí nejméně na 15 dnů',
    rule: 'after-posting',
    days: 15,
    movesToWorkingDay: false,
    eventLabel: null,
  },
];

const PL: NoticeType[] = [
  {
    id: GENERAL_TYPE,
    name: 'Ogłoszenie (bez ustawowego terminu)',
    legalBasis: '',
    rule: 'none',
    days: 0,
    movesToWorkingDay: false,
    eventLabel: null,
  },
  {
    id: 'pl-obwieszczenie',
    name: 'Obwieszczenie, zawiadomienie przez publiczne obwieszczenie (art. 49 KPA)',
    legalBasis: 'art. 49 § 2 Kodeksu postępowania administracyjnego: zawiadomienie uważa się za dokonane po upływie 14 dni od dnia publicznego obwieszczenia',
    rule: 'after-posting',
    days: 14,
    movesToWorkingDay: true,
    eventLabel: null,
  },
];

/** The default types of a new board in this country, in the order the form lists them. */
export function defaultNoticeTypes(country: Country): NoticeType[] {
  return (country === 'PL' ? PL : CZ).map((t) => ({ ...t }));
}

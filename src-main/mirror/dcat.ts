/**
 * The board's open data in the national catalogue (NKOD): a DCAT-AP-CZ record of the dataset and
 * a local catalogue listing it, in the JSON-LD of the OFN "Rozhraní katalogů otevřených dat"
 * 2021-01-11, after the official model record of the "Úřední desky" standard
 * (schemas/ofn/úřední-desky/2021-07-20/metadata/úřední-desky.jsonld). The dataset links to the
 * standard (specifikace) and its distribution to the OFN file and the schema it is valid against;
 * NKOD's harvester reads the catalogue at opendata/katalog.jsonld.
 */
import type { Board } from '../shared/domain.ts';
import { absoluteUrl, CATALOG_PATH, DATASET_PATH, OFN_PATH, OFN_SCHEMA, OFN_STANDARD } from './paths.ts';
import type { MirrorSettings } from './settings.ts';

export const CATALOG_CONTEXT = 'https://ofn.gov.cz/rozhraní-katalogů-otevřených-dat/2021-01-11/kontexty/rozhraní-katalogů-otevřených-dat.jsonld';

const EU = 'http://publications.europa.eu/resource/authority';
const TERMS = 'https://data.gov.cz/podmínky-užití';

/** The authority in the register of rights and duties (RPP), as NKOD names publishers. */
export function publisherIri(board: Pick<Board, 'ico'>): string {
  return `https://rpp-opendata.egon.gov.cz/odrpp/zdroj/orgán-veřejné-moci/${board.ico}`;
}

function contactPoint(board: Board, s: MirrorSettings): Record<string, unknown> | null {
  const email = s.contact?.email;
  if (!email) return null;
  return { typ: 'Organizace', jméno: { cs: s.contact?.name ?? board.name }, 'e-mail': `mailto:${email}` };
}

/** opendata/datova-sada.jsonld: the dataset (DCAT-AP-CZ) with one distribution, the OFN file. */
export function datasetRecord(board: Board, s: MirrorSettings = {}): Record<string, unknown> {
  const contact = contactPoint(board, s);
  const file = absoluteUrl(board, OFN_PATH);
  return {
    '@context': CATALOG_CONTEXT,
    iri: absoluteUrl(board, DATASET_PATH),
    typ: 'Datová sada',
    název: { cs: `Úřední deska – ${board.name}`, en: `Official board – ${board.name}` },
    popis: {
      cs: `Informace vyvěšené na úřední desce: ${board.name} (IČO ${board.ico}). Data odpovídají otevřené formální normě Úřední desky (${OFN_STANDARD}) a obsahují jen oznámení právě vyvěšená.`,
      en: `Notices currently posted on the official board of ${board.name}, following the Czech open formal standard for official boards.`,
    },
    poskytovatel: publisherIri(board),
    prvek_rúian: [s.opendata?.ruian ?? 'https://linked.cuzk.cz/resource/ruian/stat/1'],
    geografické_území: [`${EU}/country/CZE`],
    prostorové_pokrytí: [],
    klíčové_slovo: { cs: ['úřední deska'], en: ['official board'] },
    periodicita_aktualizace: `${EU}/frequency/DAILY`,
    dokumentace: OFN_STANDARD,
    téma: [`${EU}/data-theme/GOVE`],
    koncept_euroVoc: ['http://eurovoc.europa.eu/492'],
    specifikace: ['https://ofn.gov.cz/úřední-desky/', OFN_STANDARD],
    ...(contact && { kontaktní_bod: contact }),
    distribuce: [
      {
        iri: `${absoluteUrl(board, DATASET_PATH)}#distribuce-ofn`,
        typ: 'Distribuce',
        název: { cs: 'Úřední deska podle OFN (JSON-LD)' },
        podmínky_užití: {
          typ: 'Specifikace podmínek užití',
          autorské_dílo: `${TERMS}/neobsahuje-autorská-díla/`,
          databáze_jako_autorské_dílo: `${TERMS}/není-autorskoprávně-chráněnou-databází/`,
          databáze_chráněná_zvláštními_právy: `${TERMS}/není-chráněna-zvláštním-právem-pořizovatele-databáze/`,
          osobní_údaje: s.opendata?.personalData === false ? `${TERMS}/neobsahuje-osobní-údaje/` : `${TERMS}/obsahuje-osobní-údaje/`,
        },
        soubor_ke_stažení: file,
        přístupové_url: file,
        typ_média: 'http://www.iana.org/assignments/media-types/application/ld+json',
        formát: `${EU}/file-type/JSON_LD`,
        schéma: OFN_SCHEMA,
      },
    ],
  };
}

/** opendata/katalog.jsonld: the board's local catalogue (LKOD) that NKOD harvests; it lists the dataset. */
export function catalogRecord(board: Board, s: MirrorSettings = {}): Record<string, unknown> {
  const contact = contactPoint(board, s);
  return {
    '@context': CATALOG_CONTEXT,
    iri: absoluteUrl(board, CATALOG_PATH),
    typ: 'Katalog',
    název: { cs: `Otevřená data úřední desky – ${board.name}`, en: `Open data of the official board – ${board.name}` },
    popis: { cs: `Katalog otevřených dat úřední desky: ${board.name} (IČO ${board.ico}).`, en: `Open data catalogue of the official board of ${board.name}.` },
    poskytovatel: publisherIri(board),
    domovská_stránka: absoluteUrl(board, ''),
    ...(contact && { kontaktní_bod: contact }),
    datová_sada: [absoluteUrl(board, DATASET_PATH)],
  };
}

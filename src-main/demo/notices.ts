/** Realistic Czech demo notices for a small municipality, with instants relative to now. */
import type { NoticeFields } from '../shared/domain.ts';

const DAY = 86_400_000;
const MIN = 60_000;

export interface DemoNotice {
  fields: NoticeFields;
  document: { file: string; heading: string; paragraphs: string[] };
}

export function demoNotices(now: number): DemoNotice[] {
  const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString();
  return [
    {
      fields: {
        title: 'Záměr obce prodat pozemek p. č. 1234/5 v k. ú. Horní Lhota',
        description: 'Obec Horní Lhota zveřejňuje záměr prodat pozemek p. č. 1234/5 o výměře 812 m² (zahrada). Nabídky lze podávat do 15 dnů od vyvěšení.',
        category: 'Záměr prodeje',
        department: 'Obecní úřad Horní Lhota',
        referenceNumber: 'OÚ/1542/2026',
        fileMark: 'SZ-OÚ/1540/2026',
        postAt: iso(now - 3 * DAY),
        removeAt: iso(now + 13 * DAY),
      },
      document: {
        file: 'zamer-prodeje-1234-5.pdf',
        heading: 'Záměr prodeje pozemku p. č. 1234/5',
        paragraphs: [
          'Obec Horní Lhota v souladu s § 39 odst. 1 zákona č. 128/2000 Sb., o obcích, zveřejňuje záměr prodat pozemek parc. č. 1234/5, zahrada, o výměře 812 m², v katastrálním území Horní Lhota.',
          'Zájemci mohou své písemné nabídky s uvedením nabízené ceny doručit na podatelnu obecního úřadu nejpozději do 15 dnů ode dne vyvěšení tohoto záměru. Příliš žluťoučký kůň úpěl ďábelské ódy.',
          'O prodeji rozhodne zastupitelstvo obce na svém nejbližším zasedání po uplynutí lhůty.',
        ],
      },
    },
    {
      fields: {
        title: 'Oznámení o konání zasedání Zastupitelstva obce Horní Lhota',
        description: 'Zasedání se koná ve středu v 18:00 v zasedací místnosti obecního úřadu. Program: rozpočtové opatření, prodej pozemku, různé.',
        category: 'Zasedání zastupitelstva',
        department: 'Starosta obce',
        referenceNumber: 'OÚ/1601/2026',
        fileMark: '',
        postAt: iso(now - 1 * DAY),
        removeAt: iso(now + 8 * DAY),
      },
      document: {
        file: 'zasedani-zastupitelstva.pdf',
        heading: 'Informace o konání zasedání Zastupitelstva obce Horní Lhota',
        paragraphs: [
          'Obecní úřad Horní Lhota v souladu s § 93 odst. 1 zákona č. 128/2000 Sb., o obcích, informuje o konání zasedání Zastupitelstva obce Horní Lhota.',
          'Místo konání: zasedací místnost obecního úřadu, Náměstí 1, Horní Lhota. Začátek v 18:00 hodin.',
          'Navržený program: 1. Zahájení, určení ověřovatelů zápisu. 2. Rozpočtové opatření č. 4/2026. 3. Prodej pozemku p. č. 1234/5. 4. Různé, diskuse. 5. Závěr.',
        ],
      },
    },
    {
      fields: {
        title: 'Veřejná vyhláška – oznámení o zahájení územního řízení (přístavba hasičské zbrojnice)',
        description: 'Stavební úřad oznamuje zahájení územního řízení o umístění stavby přístavby hasičské zbrojnice na pozemku p. č. 88.',
        category: 'Veřejná vyhláška',
        department: 'Stavební úřad Dolní Lhota',
        referenceNumber: 'SÚ/2211/2026/Nov',
        fileMark: 'SZ-SÚ/2100/2026',
        postAt: iso(now - 6 * DAY),
        removeAt: iso(now + 9 * DAY),
      },
      document: {
        file: 'verejna-vyhlaska-uzemni-rizeni.pdf',
        heading: 'Veřejná vyhláška: oznámení o zahájení územního řízení',
        paragraphs: [
          'Stavební úřad Dolní Lhota, jako stavební úřad příslušný podle § 13 odst. 1 písm. e) stavebního zákona, oznamuje zahájení územního řízení o umístění stavby „Přístavba hasičské zbrojnice Horní Lhota“.',
          'Účastníci řízení mohou uplatnit námitky nejpozději při veřejném ústním jednání. Písemnost se považuje za doručenou patnáctým dnem po vyvěšení.',
          'Do podkladů rozhodnutí lze nahlédnout na stavebním úřadě v úředních dnech: pondělí a středa 8:00–17:00.',
        ],
      },
    },
    {
      fields: {
        title: 'Oznámení o přerušení dodávky elektřiny',
        description: 'Distributor oznamuje plánované přerušení dodávky elektřiny v ulicích Lipová a Polní.',
        category: 'Oznámení jiných úřadů a institucí',
        department: 'ČEZ Distribuce, a. s.',
        referenceNumber: '',
        fileMark: '',
        postAt: iso(now + 2 * MIN),
        removeAt: iso(now + 5 * DAY),
      },
      document: {
        file: 'preruseni-dodavky-elektriny.pdf',
        heading: 'Plánované přerušení dodávky elektřiny',
        paragraphs: [
          'Z důvodu plánovaných prací na zařízení distribuční soustavy bude přerušena dodávka elektřiny v obci Horní Lhota, ulice Lipová a Polní, v době od 7:30 do 15:00.',
          'Děkujeme za pochopení.',
        ],
      },
    },
    {
      fields: {
        title: 'Výzva k vyzvednutí písemnosti',
        description: 'Adresát, jehož totožnost je známa úřadu, si může písemnost vyzvednout na podatelně obecního úřadu.',
        category: 'Výzva',
        department: 'Obecní úřad Horní Lhota',
        referenceNumber: 'OÚ/1650/2026',
        fileMark: '',
        postAt: iso(now - 10 * DAY),
        removeAt: iso(now + 5 * MIN),
      },
      document: {
        file: 'vyzva-k-vyzvednuti.pdf',
        heading: 'Výzva k vyzvednutí písemnosti',
        paragraphs: [
          'Obecní úřad Horní Lhota vyzývá adresáta, kterému se nepodařilo doručit písemnost č. j. OÚ/1650/2026, aby si ji vyzvedl na podatelně obecního úřadu v úředních hodinách.',
        ],
      },
    },
  ];
}

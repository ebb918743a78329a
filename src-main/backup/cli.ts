/** `deska backup` and `deska restore`: the command-line half of src-main/backup. */
import { resolve } from 'node:path';
import { backupSettings, createBackup, listBackups, verifyBackup } from './backup.ts';
import { restoreBackup, RestoreRefused } from './restore.ts';

export interface BackupCliValues {
  data?: string;
  to?: string;
  from?: string;
  force?: boolean;
}

export async function backupCommand(sub: string | undefined, v: BackupCliValues, need: (x: string | undefined, flag: string) => string): Promise<number> {
  const data = resolve(need(v.data, '--data'));
  const root = v.to ? resolve(v.to) : backupSettings(data).dir;
  if (sub === 'list') {
    const all = listBackups(root);
    if (all.length === 0) console.log(`v ${root} nejsou žádné zálohy`);
    for (const b of all) console.log(`${b.createdAt}  ${b.dir}`);
    return 0;
  }
  if (sub === 'verify') {
    const dir = resolve(need(v.from, '--from'));
    const r = await verifyBackup(dir);
    if (r.problems.length === 0) {
      console.log(`záloha ${dir} je v pořádku: ${r.manifest!.files.length} souborů odpovídá manifestu`);
      return 0;
    }
    console.error(`ZÁLOHA ${dir} JE POŠKOZENÁ:`);
    for (const p of r.problems) console.error(`  - ${p}`);
    return 1;
  }
  if (sub !== undefined) throw new Error(`neznámý příkaz "backup ${sub}": použijte "deska backup", "deska backup list" nebo "deska backup verify --from DIR"`);
  const s = backupSettings(data);
  const r = await createBackup(data, { root, now: Date.now(), keepDays: v.to ? undefined : s.keepDays });
  console.log(`záloha hotova: ${r.dir}
  ${r.manifest.files.length} souborů, ${r.manifest.notices} oznámení, ${r.manifest.events} událostí auditního logu (poslední č. ${r.manifest.lastEvent.seq})`);
  if (r.pruned.length > 0) console.log(`  odstraněny zálohy starší než ${s.keepDays} dní: ${r.pruned.length}`);
  if (r.manifest.damagedBlobs.length > 0) {
    console.error(`POZOR: ${r.manifest.damagedBlobs.length} příloh v datech chybí nebo je poškozeno a v záloze nejsou: ${r.manifest.damagedBlobs.join(', ')}. Spusťte "deska audit verify".`);
    return 1;
  }
  return 0;
}

export async function restoreCommand(v: BackupCliValues, need: (x: string | undefined, flag: string) => string): Promise<number> {
  const data = resolve(need(v.data, '--data'));
  const from = resolve(need(v.from, '--from'));
  try {
    const r = await restoreBackup(data, from, { now: Date.now(), force: v.force === true, actor: `cli:${process.env.USER ?? 'operator'}` });
    console.log(`obnoveno ze zálohy ${r.manifest.name} (pořízena ${r.manifest.createdAt}) do ${data}
  ${r.manifest.notices} oznámení, ${r.manifest.events} událostí auditního logu; obnova je v logu zaznamenána
  ${r.movedAside ? `původní data jsou odložena v ${r.movedAside} (nic nebylo smazáno)` : 'složka dat předtím neexistovala'}
Teď spusťte publisher ("deska serve --data ${data}"): první snímek po startu je nový a kiosky ho přijmou jako obnovený publisher.
Změny provedené po pořízení zálohy v obnovených datech nejsou; zkontrolujte je podle odložené složky.`);
    for (const p of r.problems) console.error(`  přijatý problém: ${p}`);
    return 0;
  } catch (e) {
    if (!(e instanceof RestoreRefused)) throw e;
    console.error(e.message);
    for (const p of e.problems) console.error(`  - ${p}`);
    return 1;
  }
}

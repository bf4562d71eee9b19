/**
 * Opens a file with a real spreadsheet program, LibreOffice Calc (Debian's `libreoffice-calc`,
 * headless), and reads back what it made of every cell: its sheets, and per cell the value type
 * Calc gave it (string, float, date, ...) and its value. Calc saves the file as flat OpenDocument
 * XML (.fods), which states each cell's type, so a test sees dates as dates and numbers as numbers
 * the way a person opening the file would.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { calcTool, findTool } from './test-tools.js';

const run = promisify(execFile);

export interface CalcCell {
  type: string;
  /** The value Calc stored: the text, the number, or the date-time as `yyyy-mm-ddThh:mm:ss`. */
  value: string;
}

export interface CalcSheet {
  name: string;
  rows: CalcCell[][];
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The cells of each sheet as Calc reads them; trailing empty cells and rows are left out. */
function parseFlatOds(xml: string): CalcSheet[] {
  const sheets: CalcSheet[] = [];
  for (const table of xml.matchAll(/<table:table table:name="([^"]*)"[^>]*>([\s\S]*?)<\/table:table>/g)) {
    const rows: CalcCell[][] = [];
    for (const row of (table[2] ?? '').matchAll(/<table:table-row[^>]*?(?:\/>|>([\s\S]*?)<\/table:table-row>)/g)) {
      const cells: CalcCell[] = [];
      for (const cell of (row[1] ?? '').matchAll(/<table:table-cell([^>]*?)(?:\/>|>([\s\S]*?)<\/table:table-cell>)/g)) {
        const attributes = cell[1] ?? '';
        const type = /office:value-type="([^"]*)"/.exec(attributes)?.[1];
        if (!type) continue;
        const paragraphs = [...(cell[2] ?? '').matchAll(/<text:p>([\s\S]*?)<\/text:p>/g)].map((p) =>
          decodeXml((p[1] ?? '').replace(/<text:line-break\/>/g, '\n').replace(/<[^>]+>/g, '')),
        );
        const value = /office:date-value="([^"]*)"/.exec(attributes)?.[1] ?? /office:value="([^"]*)"/.exec(attributes)?.[1] ?? paragraphs.join('\n');
        cells.push({ type, value });
      }
      if (cells.length > 0) rows.push(cells);
    }
    sheets.push({ name: decodeXml(table[1] ?? ''), rows });
  }
  return sheets;
}

/** Opens `bytes` (a .xlsx or .csv) in LibreOffice Calc and returns what it read. */
export async function openInCalc(bytes: Buffer, extension: 'xlsx' | 'csv'): Promise<CalcSheet[]> {
  const folder = await mkdtemp(join(tmpdir(), 'calc-'));
  try {
    const input = join(folder, `file.${extension}`);
    await writeFile(input, bytes);
    // Its own profile folder, so Calc runs started by parallel test files do not share a lock.
    await run(
      findTool(calcTool),
      [`-env:UserInstallation=file://${join(folder, 'profile')}`, '--headless', '--convert-to', 'fods', '--outdir', folder, input],
      {
        timeout: 120_000,
      },
    );
    return parseFlatOds(await readFile(join(folder, 'file.fods'), 'utf8'));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

